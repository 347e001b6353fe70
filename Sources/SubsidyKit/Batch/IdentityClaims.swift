import PolicyCheck
import PolicyEval
import PolicyValues

/// A chunk's ID-number claims: per record with an ID number (a person, or any entity with an
/// `id_number` field), the number, and the rows that named it — all rejected together if the number
/// turns out to belong to someone else, or the person to have another number (`IdentityRegistry`).
///
/// A claim is plain numbers: where its id's and number's bytes are in `text` (one array for the
/// chunk), its column, its row's place in `subjects`, and its further rows as a range of `extras`.
/// When each claim held its id, number, column and subject as strings, making a claim retained them
/// on the worker and dropping it released them on the merging thread (0.1 s of a 1M-row run), for
/// text read only when a claim conflicts or goes to a ledger. Holding the chunk's columns of ids and
/// numbers instead moved their freeing to the merging thread; the bytes are one allocation.
struct IdentityClaims: Sendable {
  struct Claim: Sendable {
    var entity: Int
    /// The column a reject names: `columns[column]`.
    var column: Int32
    /// The id's bytes, `text[idStart..<numberStart]`; the number as its digits (`IDNumber.packed`), or
    /// -1 when it has no such form and its bytes are `text[numberStart..<numberEnd]`.
    var idStart: Int
    var numberStart: Int
    var numberEnd: Int
    var packedNumber: Int64
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

  private(set) var claims: [Claim] = []
  /// The claims' ids and numbers, one after another.
  private(set) var text: [UInt8] = []
  /// The columns a reject names (`person_id_number` in a CSV, `person.id_number` in JSON Lines).
  private(set) var columns: [String] = []
  /// The rows' subjects (dispatch ids), which claims and extras name by index.
  private(set) var subjects: [String] = []
  private(set) var extras: [(line: Int, subject: Int32)] = []

  var count: Int { claims.count }
  var isEmpty: Bool { claims.isEmpty }
  var indices: Range<Int> { claims.indices }
  subscript(i: Int) -> Claim { claims[i] }

  func id(_ i: Int) -> String { string(claims[i].idStart, claims[i].numberStart) }
  func number(_ i: Int) -> String {
    claims[i].packedNumber >= 0 ? IDNumber.text(packed: claims[i].packedNumber) : string(claims[i].numberStart, claims[i].numberEnd)
  }
  func column(_ i: Int) -> String { columns[Int(claims[i].column)] }
  private func string(_ start: Int, _ end: Int) -> String { String(decoding: text[start..<end], as: UTF8.self) }
  func subject(_ i: Int) -> String { subjects[Int(claims[i].subject)] }

  /// Every row of claim `i`: its first, then the others, in input order.
  func rows(_ i: Int) -> [(line: Int, subject: String)] {
    let claim = claims[i]
    return [(claim.line, subjects[Int(claim.subject)])]
      + extras[Int(claim.extrasStart)..<Int(claim.extrasEnd)].map { ($0.line, subjects[Int($0.subject)]) }
  }

  /// Another part's claims after these (JSON Lines: one part per line), in order.
  mutating func append(_ other: IdentityClaims) {
    let columnBase = Int32(columns.count), textBase = text.count, subjectBase = Int32(subjects.count), extrasBase = Int32(extras.count)
    columns += other.columns
    text += other.text
    subjects += other.subjects
    extras += other.extras.map { ($0.line, $0.subject + subjectBase) }
    claims += other.claims.map { claim in
      var claim = claim
      claim.column += columnBase
      claim.idStart += textBase
      claim.numberStart += textBase
      claim.numberEnd += textBase
      claim.subject += subjectBase
      claim.extrasStart += extrasBase
      claim.extrasEnd += extrasBase
      return claim
    }
  }
}

extension IdentityClaims {
  /// The claims of a decoded CSV chunk: per record with an ID number, the rows that name it. (A row
  /// giving a person of the chunk another number began a record of its own in `RowDecoder`: its
  /// claim is another claim, after the first in input order.)
  init(_ decoded: RowDecoder.Decoded, schema: FactSchema, rowKind: Int) {
    let facts = decoded.facts
    let rowEntity = schema.entities[rowKind]
    var paths: [(refSlot: Int, entity: Int, slot: Int)] = []
    for field in rowEntity.fields {
      guard case .reference(let target) = field.type, let entity = schema.entity(target) else { continue }
      for id in entity.fields where id.type == .idNumber {
        // ID numbers are held as their digits (`FactColumn.Codec.idNumber`), or as `Value`s where
        // a column was given a value with no such form (`.boxed`).
        let codec = facts.tables[entity.index].columns[id.slot].codec
        guard codec == .idNumber || codec == .boxed else { continue }
        paths.append((field.slot, entity.index, id.slot))
        columns.append("\(field.name)_\(id.name)")
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
    // Room for about one claim a row, each an id and an 18-digit number (regrowing the claims moved
    // every one of them again at each doubling).
    text.reserveCapacity(rows * 32)
    claims.reserveCapacity(rows)
    let columns = paths.map { facts.tables[$0.entity].columns[$0.slot] }
    let packed = columns.map { $0.codec == .idNumber }
    let ids = paths.map { facts.tables[$0.entity].ids }
    for row in 0..<rows {
      for p in paths.indices {
        let index = Int(named[p * rows + row])
        guard index >= 0, index < columns[p].count else { continue }
        let kind = paths[p].entity
        if packed[p] {
          guard columns[p].states[index] == FactColumn.known else { continue }
        } else {
          guard case .string = columns[p].boxed[index] else { continue }
        }
        let i = position[kind][index]
        if i >= 0 {
          more.append((i, lines[row], Int32(row)))
        } else {
          position[kind][index] = Int32(claims.count)
          let idStart = text.count
          Self.append(ids[p][index], to: &text)
          if packed[p] {
            add(entity: kind, column: p, idStart: idStart, packedNumber: columns[p].values[index], serial: true, line: lines[row], subject: row)
          } else if case .string(let number) = columns[p].boxed[index] {
            add(entity: kind, column: p, idStart: idStart, number: number, serial: true, line: lines[row], subject: row)
          }
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
        let column = columns.count
        columns.append("\(entity.name).\(field.name)")
        // The digits as the column holds them (`FactColumn.Codec.idNumber`), not text made from them
        // and packed again; a column of `Value`s as text.
        let numbers = table.columns[field.slot]
        for index in 0..<table.count {
          let packed: Int64?, number: String?
          if numbers.codec == .idNumber {
            guard numbers.states[index] == FactColumn.known else { continue }
            (packed, number) = (numbers.values[index], nil)
          } else {
            guard case .string(let text) = numbers.boxed[index] else { continue }
            (packed, number) = (nil, text)
          }
          // The line's first dispatch is the claim's row (the record's own id when it has none).
          var subject = Int32(0)
          if dispatches.isEmpty {
            subject = Int32(subjects.count)
            subjects.append(table.ids[index])
          }
          let claim = Int32(claims.count)
          let idStart = text.count
          Self.append(table.ids[index], to: &text)
          if let packed {
            add(entity: entity.index, column: column, idStart: idStart, packedNumber: packed, serial: false, line: line, subject: Int(subject))
          } else if let number {
            add(entity: entity.index, column: column, idStart: idStart, number: number, serial: false, line: line, subject: Int(subject))
          }
          for s in dispatches.indices.dropFirst() { more.append((claim, line, Int32(s))) }
        }
      }
    }
    groupExtras(more)
  }

  /// A new claim whose id the caller has just appended to `text` (from `idStart`) and whose number is
  /// text: held as its digits when it has that form (the same fingerprint as the same number read from
  /// a column of digits), else appended as it is.
  private mutating func add(entity: Int, column: Int, idStart: Int, number: String, serial: Bool, line: Int, subject: Int) {
    if let packed = IDNumber.packed(number) {
      add(entity: entity, column: column, idStart: idStart, packedNumber: packed, serial: serial, line: line, subject: subject)
      return
    }
    let numberStart = text.count
    Self.append(number, to: &text)
    let numberHash = text.withUnsafeBufferPointer { IdentityRegistry.fingerprint(entity, utf8: UnsafeBufferPointer(rebasing: $0[numberStart...])) }
    add(entity: entity, column: column, idStart: idStart, numberStart: numberStart, packedNumber: -1, numberHash: numberHash,
        serial: serial, line: line, subject: subject)
  }

  /// A new claim whose number is its digits (`FactColumn.Codec.idNumber`): fingerprinted as they are,
  /// with no text made (18 characters written out for each person cost more than all the rest of a claim).
  @inline(__always)
  private mutating func add(entity: Int, column: Int, idStart: Int, packedNumber: Int64, serial: Bool, line: Int, subject: Int) {
    add(entity: entity, column: column, idStart: idStart, numberStart: text.count, packedNumber: packedNumber,
        numberHash: IdentityRegistry.fingerprint(entity, packedNumber: packedNumber), serial: serial, line: line, subject: subject)
  }

  /// The claim, with its id (`text[idStart..<numberStart]`) fingerprinted in place and (`serial`) read
  /// as a serial. From the bytes in `text`: each string read through a copy of it cost a retain and a release.
  private mutating func add(entity: Int, column: Int, idStart: Int, numberStart: Int, packedNumber: Int64, numberHash: UInt64,
                            serial: Bool, line: Int, subject: Int) {
    let (idHash, idSerial) = text.withUnsafeBufferPointer { bytes in
      let id = UnsafeBufferPointer(rebasing: bytes[idStart..<numberStart])
      return (IdentityRegistry.fingerprint(entity, utf8: id), serial ? IDSerial(utf8: id) : nil)
    }
    claims.append(Claim(entity: entity, column: Int32(column), idStart: idStart, numberStart: numberStart, numberEnd: text.count,
                        packedNumber: packedNumber, idHash: idHash, numberHash: numberHash, serial: idSerial, line: line, subject: Int32(subject)))
  }

  /// A string's bytes appended from its own storage, borrowed (through the `utf8` view's iterator, a
  /// byte at a time, it cost more than the fingerprints).
  @inline(__always)
  private static func append(_ string: String, to text: inout [UInt8]) {
    if string.utf8.withContiguousStorageIfAvailable({ text.append(contentsOf: $0) }) == nil { text.append(contentsOf: string.utf8) }
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
