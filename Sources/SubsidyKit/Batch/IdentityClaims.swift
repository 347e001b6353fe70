import PolicyCheck
import PolicyEval
import PolicyValues

/// A chunk's ID-number claims: per record with an ID number (a person, or any entity with an
/// `id_number` field), the number, and the rows that named it — all rejected together if the number
/// turns out to belong to someone else, or the person to have another number (`IdentityRegistry`).
///
/// A claim is plain numbers: its record's place in a `Source` (the chunk's ids and numbers, held
/// whole), its row's place in `subjects`, and its further rows as a range of `extras`. When each claim
/// held its id, number, column and subject as strings, making a claim retained them on the worker
/// and dropping it released them on the merging thread: 0.1 s of a 1M-row run, for text read only
/// when a claim conflicts or goes to a ledger.
struct IdentityClaims: Sendable {
  struct Claim: Sendable {
    var entity: Int
    /// Where the id and number are: `sources[source]`, entry `record`.
    var source: Int32
    var record: Int32
    /// Fingerprints of the id and the number, computed on the worker threads so the merge only looks up.
    var idHash: UInt64
    var numberHash: UInt64
    /// The id's serial (`P00012345`), nil when it has none: the registry holds such ids by serial.
    var serial: IDSerial?
    /// The first row that rests on this record: its line and its subject (`subjects`, the dispatch id)…
    var line: Int
    var subject: Int32
    /// …and any further rows of the chunk: `extras[extrasStart..<extrasEnd]` (most records have one row).
    var extrasStart: Int32 = 0
    var extrasEnd: Int32 = 0
  }

  /// The ids and numbers of one table's records, as the chunk decoded them, and the column a reject names
  /// (`person_id_number` in a CSV, `person.id_number` in JSON Lines).
  struct Source: Sendable {
    var ids: [String]
    var numbers: [Value]
    var column: String
  }

  private(set) var claims: [Claim] = []
  private(set) var sources: [Source] = []
  /// The rows' subjects (dispatch ids), which claims and extras name by index.
  private(set) var subjects: [String] = []
  private(set) var extras: [(line: Int, subject: Int32)] = []

  var count: Int { claims.count }
  var isEmpty: Bool { claims.isEmpty }
  var indices: Range<Int> { claims.indices }
  subscript(i: Int) -> Claim { claims[i] }

  func id(_ i: Int) -> String { sources[Int(claims[i].source)].ids[Int(claims[i].record)] }
  func number(_ i: Int) -> String {
    guard case .string(let number) = sources[Int(claims[i].source)].numbers[Int(claims[i].record)] else { return "" }
    return number
  }
  func column(_ i: Int) -> String { sources[Int(claims[i].source)].column }
  func subject(_ i: Int) -> String { subjects[Int(claims[i].subject)] }

  /// Every row of claim `i`: its first, then the others, in input order.
  func rows(_ i: Int) -> [(line: Int, subject: String)] {
    let claim = claims[i]
    return [(claim.line, subjects[Int(claim.subject)])]
      + extras[Int(claim.extrasStart)..<Int(claim.extrasEnd)].map { ($0.line, subjects[Int($0.subject)]) }
  }

  /// Whether any row of claim `i` has a subject `live` takes.
  func anyRow(_ i: Int, _ live: (String) -> Bool) -> Bool {
    let claim = claims[i]
    if live(subjects[Int(claim.subject)]) { return true }
    return extras[Int(claim.extrasStart)..<Int(claim.extrasEnd)].contains { live(subjects[Int($0.subject)]) }
  }

  /// Another part's claims after these (JSON Lines: one part per line), in order.
  mutating func append(_ other: IdentityClaims) {
    let sourceBase = Int32(sources.count), subjectBase = Int32(subjects.count), extrasBase = Int32(extras.count)
    sources += other.sources
    subjects += other.subjects
    extras += other.extras.map { ($0.line, $0.subject + subjectBase) }
    claims += other.claims.map { claim in
      var claim = claim
      claim.source += sourceBase
      claim.subject += subjectBase
      claim.extrasStart += extrasBase
      claim.extrasEnd += extrasBase
      return claim
    }
  }
}

extension IdentityClaims {
  /// The claims of a decoded CSV chunk: per record with an ID number, the rows that name it.
  /// (`RowDecoder` has already rejected a row giving a record of the chunk another number.)
  init(_ decoded: RowDecoder.Decoded, schema: FactSchema, rowKind: Int) {
    let facts = decoded.facts
    let rowEntity = schema.entities[rowKind]
    var paths: [(refSlot: Int, entity: Int, slot: Int)] = []
    for field in rowEntity.fields {
      guard case .reference(let target) = field.type, let entity = schema.entity(target) else { continue }
      for id in entity.fields where id.type == .idNumber {
        // ID numbers are text, held as `Value`s (`FactColumn.Codec.boxed`).
        guard facts.tables[entity.index].columns[id.slot].codec == .boxed else { continue }
        paths.append((field.slot, entity.index, id.slot))
        sources.append(Source(ids: facts.tables[entity.index].ids, numbers: facts.tables[entity.index].columns[id.slot].boxed,
                              column: "\(field.name)_\(id.name)"))
      }
    }
    guard !paths.isEmpty else { return }
    let table = facts.tables[rowKind]
    subjects = table.ids
    // Each record's claim, by the record's index in its table (-1: none yet), per kind: an array,
    // where a dictionary hashed a key for every row.
    var position = facts.tables.map { [Int32](repeating: -1, count: $0.count) }
    let rows = min(table.count, decoded.lines.count)
    // Per path, the record each row names (-1: none, or not of the path's kind), read column by
    // column first: reading a cell through a column held in an array of columns copied the column
    // (its arrays retained and released) for every row and path.
    var named = [Int32](repeating: -1, count: paths.count * rows)
    for p in paths.indices {
      let references = table.columns[paths[p].refSlot]
      for row in 0..<rows {
        if case .entity(let kind, let index) = references[row], kind == paths[p].entity, index >= 0, index < position[kind].count {
          named[p * rows + row] = Int32(index)
        }
      }
    }
    // Further rows of a claim, gathered per claim once every row is seen.
    var more: [(claim: Int32, line: Int, subject: Int32)] = []
    let lines = decoded.lines
    for row in 0..<rows {
      for p in paths.indices {
        let index = Int(named[p * rows + row])
        guard index >= 0, index < sources[p].numbers.count else { continue }
        let kind = paths[p].entity
        guard case .string(let number) = sources[p].numbers[index] else { continue }
        let i = position[kind][index]
        if i >= 0 {
          more.append((i, lines[row], Int32(row)))
        } else {
          position[kind][index] = Int32(claims.count)
          let id = sources[p].ids[index]
          claims.append(Claim(entity: kind, source: Int32(p), record: Int32(index),
                              idHash: IdentityRegistry.fingerprint(kind, id), numberHash: IdentityRegistry.fingerprint(kind, number),
                              serial: IDSerial(id), line: lines[row], subject: Int32(row)))
        }
      }
    }
    groupExtras(more)
  }

  /// The claims of one JSON Lines line: each record with an ID number; its rows are the line's dispatches.
  init(_ facts: Facts, line: Int, schema: FactSchema, rowKind: Int) {
    let dispatches = facts.tables[rowKind].ids
    subjects = dispatches
    var more: [(claim: Int32, line: Int, subject: Int32)] = []
    for entity in schema.entities {
      for field in entity.fields where field.type == .idNumber {
        let table = facts.tables[entity.index]
        let source = Int32(sources.count)
        sources.append(Source(ids: table.ids, numbers: (0..<table.count).map { table[record: $0, slot: field.slot] },
                              column: "\(entity.name).\(field.name)"))
        for index in 0..<table.count {
          guard case .string(let number) = table[record: index, slot: field.slot] else { continue }
          // The line's first dispatch is the claim's row (the record's own id when it has none).
          var subject = Int32(0)
          if dispatches.isEmpty {
            subject = Int32(subjects.count)
            subjects.append(table.ids[index])
          }
          let claim = Int32(claims.count)
          claims.append(Claim(entity: entity.index, source: source, record: Int32(index),
                              idHash: IdentityRegistry.fingerprint(entity.index, table.ids[index]),
                              numberHash: IdentityRegistry.fingerprint(entity.index, number), serial: nil, line: line, subject: subject))
          for s in dispatches.indices.dropFirst() { more.append((claim, line, Int32(s))) }
        }
      }
    }
    groupExtras(more)
  }

  /// Lays out each claim's further rows together, in input order (`more` is in row order).
  private mutating func groupExtras(_ more: [(claim: Int32, line: Int, subject: Int32)]) {
    guard !more.isEmpty else { return }
    var counts = [Int32](repeating: 0, count: claims.count + 1)
    for m in more { counts[Int(m.claim) + 1] += 1 }
    for i in 1..<counts.count { counts[i] += counts[i - 1] }
    for i in claims.indices {
      claims[i].extrasStart = counts[i]
      claims[i].extrasEnd = counts[i + 1]
    }
    extras = [(line: Int, subject: Int32)](repeating: (0, 0), count: more.count)
    var next = counts
    for m in more {
      extras[Int(next[Int(m.claim)])] = (m.line, m.subject)
      next[Int(m.claim)] += 1
    }
  }
}
