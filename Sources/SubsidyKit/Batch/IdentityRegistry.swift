import Ledger
import PolicyCheck
import PolicyEval
import PolicyValues

/// One record's ID number as a chunk saw it: a person (or any entity with an `id_number` field), the
/// number, and the rows that named it — all rejected together if the number turns out to belong to
/// someone else, or the person to have another number.
struct IdentityClaim: Sendable {
  var entity: Int
  var id: String
  var number: String
  /// The column to name in a reject (`person_id_number` in a CSV, `person.id_number` in JSON Lines).
  var column: String
  /// Every row (line and its row subject, the dispatch id) that rests on this record, in file order.
  var rows: [(line: Int, subject: String)]
}

/// An ID number identifies one person, across the whole batch however it is chunked:
/// - the same number under two ids: the later rows are rejected, naming the first line;
/// - one id with two different numbers: the later rows are rejected, naming the first line.
///
/// Like `DispatchIDRegistry`, ids and numbers are kept as 64-bit FNV-1a fingerprints with the first
/// line (no strings, no raw numbers held), two entries per person.
struct IdentityRegistry {
  private var numberOf: [UInt64: (number: UInt64, line: Int32)] = [:]
  private var holderOf: [UInt64: (id: UInt64, line: Int32)] = [:]

  /// Nil when the claim agrees with what was seen before in the file; else the reason to reject.
  func conflict(_ claim: IdentityClaim, kind: String) -> String? {
    let id = Self.fingerprint(claim.entity, claim.id), number = Self.fingerprint(claim.entity, claim.number)
    if let earlier = numberOf[id], earlier.number != number {
      return "\(kind) `\(claim.id)` has another ID number on line \(earlier.line); one \(kind) has one ID number"
    }
    if let earlier = holderOf[number], earlier.id != id {
      return "is the ID number of another \(kind) on line \(earlier.line); an ID number identifies one \(kind)"
    }
    return nil
  }

  /// Records an accepted claim (the first line that gave the id and the number).
  mutating func register(_ claim: IdentityClaim) {
    let id = Self.fingerprint(claim.entity, claim.id), number = Self.fingerprint(claim.entity, claim.number)
    let line = Int32(truncatingIfNeeded: claim.rows.first?.line ?? 0)
    if numberOf[id] == nil { numberOf[id] = (number, line) }
    if holderOf[number] == nil { holderOf[number] = (id, line) }
  }

  private static func fingerprint(_ entity: Int, _ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: entity)
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }
}

extension IdentityClaim {
  /// The claims of a decoded CSV chunk: per record with an ID number, the rows that name it.
  /// (`RowDecoder` has already rejected a row giving a record of the chunk another number.)
  static func claims(_ decoded: RowDecoder.Decoded, plan: ColumnPlan, schema: FactSchema, rowKind: Int) -> [IdentityClaim] {
    let facts = decoded.facts
    let rowEntity = schema.entities[rowKind]
    var paths: [(refSlot: Int, entity: Int, slot: Int, column: String)] = []
    for field in rowEntity.fields {
      guard case .reference(let target) = field.type, let entity = schema.entity(target) else { continue }
      for id in entity.fields where id.type == .idNumber {
        paths.append((field.slot, entity.index, id.slot, "\(field.name)_\(id.name)"))
      }
    }
    guard !paths.isEmpty else { return [] }
    var claims: [IdentityClaim] = []
    var position: [Int: Int] = [:]
    let table = facts.tables[rowKind]
    for row in 0..<min(table.count, decoded.lines.count) {
      for path in paths {
        guard case .entity(let kind, let index) = table[record: row, slot: path.refSlot], kind == path.entity,
          case .string(let number) = facts.tables[kind][record: index, slot: path.slot]
        else { continue }
        let key = (kind << 40) | index
        if let i = position[key] {
          claims[i].rows.append((decoded.lines[row], table.ids[row]))
        } else {
          position[key] = claims.count
          claims.append(IdentityClaim(entity: kind, id: facts.tables[kind].ids[index], number: number, column: path.column,
                                      rows: [(decoded.lines[row], table.ids[row])]))
        }
      }
    }
    return claims
  }

  /// The claims of one JSON Lines line: each record with an ID number; its rows are the line's dispatches.
  static func claims(_ facts: Facts, line: Int, schema: FactSchema, rowKind: Int) -> [IdentityClaim] {
    var claims: [IdentityClaim] = []
    let subjects = facts.tables[rowKind].ids
    for entity in schema.entities {
      for field in entity.fields where field.type == .idNumber {
        let table = facts.tables[entity.index]
        for index in 0..<table.count {
          guard case .string(let number) = table[record: index, slot: field.slot] else { continue }
          claims.append(IdentityClaim(entity: entity.index, id: table.ids[index], number: number, column: "\(entity.name).\(field.name)",
                                      rows: subjects.isEmpty ? [(line, table.ids[index])] : subjects.map { (line, $0) }))
        }
      }
    }
    return claims
  }
}

extension IdentityRegistry {
  /// Checks a chunk's claims in order; every row of a conflicting claim becomes a reject (one per line).
  /// Returns how many lines were rejected, and the row subjects and records whose results are dropped.
  /// With a ledger, a claim the file accepts is checked against the identities of earlier batches
  /// too, and recorded when the batch commits.
  mutating func reject(_ claims: [IdentityClaim], skipping repeated: Set<String>, schema: FactSchema, showPII: Bool,
                       ledger: LedgerHooks?, into rejects: inout [Reject]) throws
    -> (lines: Int, dropped: (subjects: Set<String>, entities: Set<String>))
  {
    var subjects = Set<String>(), entities = Set<String>(), lines = Set<Int>()
    for claim in claims {
      let rows = claim.rows.filter { !repeated.contains($0.subject) && !subjects.contains($0.subject) }
      guard !rows.isEmpty else { continue }
      let kind = schema.entities[claim.entity].name
      let record = IdentityRecord(kind: kind, id: claim.id, number: claim.number)
      var why = conflict(claim, kind: kind)
      if why == nil, let check = ledger?.identityConflict { why = try check(record) }
      guard let why else {
        register(claim)
        try ledger?.recordIdentity?(record)
        continue
      }
      entities.insert(claim.id)
      for (line, subject) in rows {
        subjects.insert(subject)
        if lines.insert(line).inserted {
          rejects.append(Reject(line: line, column: claim.column, value: PIIMask.masked(claim.number, show: showPII), reason: why))
        }
      }
    }
    return (lines.count, (subjects, entities))
  }
}
