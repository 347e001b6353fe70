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
  /// Fingerprints of the id and the number, computed on the worker threads so the merge only looks up.
  var idHash: UInt64
  var numberHash: UInt64
  /// The id's serial (`P00012345`), nil when it has none: the registry holds such ids by serial.
  var serial: IDSerial? = nil
  /// The column to name in a reject (`person_id_number` in a CSV, `person.id_number` in JSON Lines).
  var column: String
  /// The first row (line and its row subject, the dispatch id) that rests on this record…
  var line: Int
  var subject: String
  /// …and any further rows of the chunk (most records have one row: no array for them).
  var more: [(line: Int, subject: String)] = []
  var rows: [(line: Int, subject: String)] { [(line, subject)] + more }
}

/// An ID number identifies one person, across the whole batch however it is chunked:
/// - the same number under two ids: the later rows are rejected, naming the first line;
/// - one id with two different numbers: the later rows are rejected, naming the first line.
///
/// Like `DispatchIDRegistry`, ids and numbers are kept as 64-bit FNV-1a fingerprints (no strings, no
/// raw numbers held): per person, its number's fingerprint (upper 32 bits) packed with its first
/// line, and per number, its holder's id fingerprint (upper 32 bits) packed with the holder's first
/// line. 2 × 16 bytes a person in the tables (about 64 with their spare capacity); a person whose id
/// ends in a serial number (`P00012345`) is held in `SerialValues` instead, 8 bytes in a page indexed
/// by the serial. A 32-bit fingerprint can miss "another number" or "another person" with probability
/// 2⁻³² (and so, for a person who comes back, whose holder is then taken as known: see `held`); a row
/// is never rejected for a collision it did not make: a conflict needs the 32 bits to differ.
struct IdentityRegistry {
  /// id fingerprint → (number fingerprint's upper 32 bits) << 32 | first line, for the ids not held
  /// by serial.
  private var numberOf: FingerprintRuns<UInt64>
  /// The same for ids held by serial (a person's `P00012345`), while their family is open.
  private var serials = SerialValues()
  /// number fingerprint → (holder's id fingerprint's upper 32 bits) << 32 | the holder's first line.
  /// Past the run's memory budget each spills to sorted runs on disk (`FingerprintRuns`).
  private var holderOf: FingerprintRuns<UInt64>
  private let place: SpillPlace

  init(place: SpillPlace = SpillPlace()) {
    numberOf = FingerprintRuns(place: place, part: .identities)
    holderOf = FingerprintRuns(place: place, part: .identityHolders)
    self.place = place
  }

  /// What the registry holds for a claim's id and number: looked up once, for both the check and
  /// the record (past the budget each lookup may read the disk).
  struct Held {
    /// The id's packed number and first line.
    var number: UInt64?
    /// The number's packed holder and the holder's first line.
    var holder: UInt64?
  }

  /// Takes the claim's fingerprints (and the serial of its id, nil when it has none), not the claim:
  /// the merging thread calls it for every person of the file, and passing a claim copied its
  /// strings (a retain and a release each) every time.
  ///
  /// A person seen before with this number (its fingerprint's upper 32 bits) was registered as the
  /// number's holder when first accepted (`register`: a claim whose number another held was refused,
  /// not registered), so the holder is not looked up again: past the budget that lookup was a disk
  /// read for every person who comes back, a third of the file. It trusts the same 32 bits the
  /// "another number" check trusts (a miss with probability 2⁻³², as that check's).
  mutating func held(idHash: UInt64, numberHash: UInt64, kind: Int = 0, serial: IDSerial? = nil) throws -> Held {
    let number = try numberOf(idHash: idHash, kind: kind, serial: serial)
    if let number, number >> 32 == numberHash >> 32 { return Held(number: number, holder: idHash) }
    return Held(number: number, holder: try holderOf.value(for: numberHash))
  }

  /// The id's packed number: from its family's pages while the family is open, else its fingerprint's.
  private mutating func numberOf(idHash: UInt64, kind: Int, serial: IDSerial?) throws -> UInt64? {
    if let serial {
      switch serials.value(kind: kind, serial) {
      case .value(let number): return number
      case .absent: return nil
      case .notHeld: break
      }
    }
    return try numberOf.value(for: idHash)
  }

  /// Nil when the claim agrees with what was seen before in the file (`held`); else the reason to reject.
  /// `id` is read only for the message of a conflict.
  func conflict(idHash: UInt64, numberHash: UInt64, id: @autoclosure () -> String, kind: String, held: Held) throws -> String? {
    if let earlier = held.number, earlier >> 32 != numberHash >> 32 {
      return "\(kind) `\(id())` has another ID number on line \(earlier & 0xFFFF_FFFF); one \(kind) has one ID number"
    }
    if let holder = held.holder, holder >> 32 != idHash >> 32 {
      return "is the ID number of another \(kind) on line \(holder & 0xFFFF_FFFF); an ID number identifies one \(kind)"
    }
    return nil
  }

  /// Records an accepted claim (the first line that gave the id and the number); `held` is what
  /// `held(claim)` answered, nothing having been registered since.
  mutating func register(idHash: UInt64, numberHash: UInt64, line: Int, held: Held, kind: Int = 0, serial: IDSerial? = nil) throws {
    let line32 = UInt64(UInt32(truncatingIfNeeded: line))
    if held.number == nil {
      // Never 0 (a line is at least 1), which the pages read as "none".
      let packed = (numberHash >> 32) << 32 | line32
      if let serial {
        let before = serials.memoryBytes
        switch serials.store(kind: kind, serial, packed) {
        case .stored:
          if serials.memoryBytes != before, place.report(.identitySerials, bytes: serials.memoryBytes) { try closeSerials() }
        case .notHeld:
          try numberOf.insertAbsent(idHash, packed)
        case .closing:
          // The family's values are held as fingerprints from now on, this one with them. (The pages
          // are moved out meanwhile: they hand their values to another part of `self`.)
          var pages = serials
          serials = SerialValues()
          defer { serials = pages }
          try pages.close(familyOf: serial, kind: kind) { try numberOf.insertAbsent($0, $1) }
          _ = place.report(.identitySerials, bytes: pages.memoryBytes)
          try numberOf.insertAbsent(idHash, packed)
        }
      } else {
        try numberOf.insertAbsent(idHash, packed)
      }
    }
    if held.holder == nil { try holderOf.insertAbsent(numberHash, (idHash >> 32) << 32 | line32) }
  }

  /// Every family's values held as fingerprints from now on (the pool needs the pages' memory).
  private mutating func closeSerials() throws {
    var pages = serials
    serials = SerialValues()
    defer { serials = pages }
    try pages.closeAll { try numberOf.insertAbsent($0, $1) }
    _ = place.report(.identitySerials, bytes: pages.memoryBytes)
  }

  /// Forgets every id and number: past the file's last row, its memory goes to what the end judges.
  mutating func removeAll() {
    numberOf.removeAll()
    holderOf.removeAll()
    serials.removeAll()
    _ = place.report(.identitySerials, bytes: 0)
  }

  /// Blocks read from disk by each table (for tests and the debug line).
  var blockReads: (identities: Int, holders: Int) { (numberOf.blockReads, holderOf.blockReads) }

  /// What it holds, for the debug line.
  var summary: String { "identities \(numberOf.summary) and \(serials.count) by serial, their numbers \(holderOf.summary)" }

  static func fingerprint(_ entity: Int, _ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: entity)
    var text = text
    text.withUTF8 { bytes in
      for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
      }
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
    // Each record's claim, by the record's index in its table (-1: none yet), per kind: an array,
    // where a dictionary hashed a key for every row.
    var position = facts.tables.map { [Int32](repeating: -1, count: $0.count) }
    let table = facts.tables[rowKind]
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
    let numbers = paths.map { facts.tables[$0.entity].columns[$0.slot].boxed }
    let numbersBoxed = paths.map { facts.tables[$0.entity].columns[$0.slot].codec == .boxed }
    let targetIDs = paths.map { facts.tables[$0.entity].ids }
    let subjects = table.ids
    let lines = decoded.lines
    for row in 0..<rows {
      for p in paths.indices {
        let index = Int(named[p * rows + row])
        guard index >= 0 else { continue }
        let kind = paths[p].entity
        // ID numbers are text, held as `Value`s (`FactColumn.Codec.boxed`).
        guard numbersBoxed[p], index < numbers[p].count, case .string(let number) = numbers[p][index] else { continue }
        let i = Int(position[kind][index])
        if i >= 0 {
          claims[i].more.append((lines[row], subjects[row]))
        } else {
          position[kind][index] = Int32(claims.count)
          let id = targetIDs[p][index]
          claims.append(IdentityClaim(entity: kind, id: id, number: number,
                                      idHash: IdentityRegistry.fingerprint(kind, id), numberHash: IdentityRegistry.fingerprint(kind, number),
                                      serial: IDSerial(id), column: paths[p].column, line: lines[row], subject: subjects[row]))
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
          claims.append(IdentityClaim(entity: entity.index, id: table.ids[index], number: number,
                                      idHash: IdentityRegistry.fingerprint(entity.index, table.ids[index]),
                                      numberHash: IdentityRegistry.fingerprint(entity.index, number), column: "\(entity.name).\(field.name)",
                                      line: line, subject: subjects.first ?? table.ids[index], more: subjects.dropFirst().map { (line, $0) }))
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
  mutating func reject(_ claims: [IdentityClaim], skipping repeated: Set<String>, kinds: [String], showPII: Bool,
                       ledger: LedgerHooks?, into rejects: inout [Reject]) throws
    -> (lines: Int, dropped: (subjects: Set<String>, entities: Set<String>))
  {
    var subjects = Set<String>(), entities = Set<String>(), lines = Set<Int>()
    let checksLedger = ledger?.identityConflict != nil || ledger?.recordIdentity != nil
    if checksLedger, let prefetch = ledger?.prefetchIdentities {
      try prefetch(claims.map { IdentityRecord(kind: kinds[$0.entity], id: $0.id, number: $0.number) })
    }
    // By index, and the rows looked at in place: this loop runs on the one merging thread for every
    // person of the file, and copying a claim (four strings and an array) cost more than checking it.
    for i in claims.indices {
      if !repeated.isEmpty || !subjects.isEmpty {
        func live(_ subject: String) -> Bool { !repeated.contains(subject) && !subjects.contains(subject) }
        if !live(claims[i].subject), !claims[i].more.contains(where: { live($0.subject) }) { continue }
      }
      // The fingerprints only, not a copy of the claim, on the path every accepted claim takes.
      let idHash = claims[i].idHash, numberHash = claims[i].numberHash, kind = claims[i].entity
      let held = try held(idHash: idHash, numberHash: numberHash, kind: kind, serial: claims[i].serial)
      var why = try conflict(idHash: idHash, numberHash: numberHash, id: claims[i].id, kind: kinds[claims[i].entity], held: held)
      let record = checksLedger ? IdentityRecord(kind: kinds[claims[i].entity], id: claims[i].id, number: claims[i].number) : nil
      if why == nil, let record, let check = ledger?.identityConflict { why = try check(record) }
      guard let why else {
        try register(idHash: idHash, numberHash: numberHash, line: claims[i].line, held: held, kind: kind, serial: claims[i].serial)
        if let record { try ledger?.recordIdentity?(record) }
        continue
      }
      let claim = claims[i]
      entities.insert(claim.id)
      for (line, subject) in claim.rows where !repeated.contains(subject) && !subjects.contains(subject) {
        subjects.insert(subject)
        if lines.insert(line).inserted {
          rejects.append(Reject(line: line, column: claim.column, value: PIIMask.masked(claim.number, show: showPII), reason: why))
        }
      }
    }
    // Once a chunk, the pages told to the pool: when it needs their memory, they move to the fingerprints.
    if serials.memoryBytes > 0, place.report(.identitySerials, bytes: serials.memoryBytes) { try closeSerials() }
    return (lines.count, (subjects, entities))
  }
}
