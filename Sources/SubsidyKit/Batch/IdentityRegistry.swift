import Ledger
import PolicyCheck
import PolicyEval
import PolicySupport
import PolicyValues

/// An ID number identifies one person, across the whole batch however it is chunked:
/// - the same number under two ids: the later rows are rejected, naming the first line;
/// - one id with two different numbers: the later rows are rejected, naming the first line.
///
/// Like `DispatchIDRegistry`, ids and numbers are kept as 64-bit FNV-1a fingerprints (no strings, no
/// raw numbers held): per person, its number's fingerprint (upper 32 bits) packed with its first
/// line, and per number, its holder's id fingerprint (upper 32 bits) packed with the holder's first
/// line. 2 × 16 bytes a person in the tables (about 64 with their spare capacity); a person whose id
/// ends in a serial number (`P00012345`) is held in `SerialValues` instead: the number's 32 bits in a
/// page indexed by the serial, the first line in a page of its own that goes to disk first (it is
/// read only to word a conflict's message). A 32-bit fingerprint can miss "another number" or "another person" with probability
/// 2⁻³² (and so, for a person who comes back, whose holder is then taken as known: see `held`); a row
/// is never rejected for a collision it did not make: a conflict needs the 32 bits to differ.
struct IdentityRegistry {
  /// id fingerprint → (number fingerprint's upper 32 bits) << 32 | first line, for the ids not held
  /// by serial.
  private var numberOf: FingerprintRuns<UInt64>
  /// The same for ids held by serial (a person's `P00012345`), while their family is open: the
  /// number's 32 bits and the first line kept apart (`SerialValues`).
  private var serials: SerialValues
  /// number fingerprint → (holder's id fingerprint's upper 32 bits) << 32 | the holder's first line.
  /// Past the run's memory budget each spills to sorted runs on disk (`FingerprintRuns`).
  private var holderOf: FingerprintRuns<UInt64>
  private let place: SpillPlace
  /// What `warm` read, folded together: only so the reads are made.
  private(set) var warmth: UInt64 = 0

  /// `serialHotPages`: the serial pages kept in memory when the pool needs the rest (`SerialValues`;
  /// tests make it small).
  init(place: SpillPlace = SpillPlace(), serialHotPages: Int = SerialValues.defaultHotPages) {
    serials = SerialValues(hotPages: serialHotPages)
    numberOf = FingerprintRuns(place: place, part: .identities)
    holderOf = FingerprintRuns(place: place, part: .identityHolders)
    self.place = place
  }

  /// What the registry holds for a claim's id and number: looked up once, for both the check and
  /// the record (past the budget each lookup may read the disk).
  struct Held {
    /// The id's packed number and first line (the line left 0 when `serialSlot` holds it).
    var number: UInt64?
    /// The number's packed holder and the holder's first line.
    var holder: UInt64?
    /// Where the pages hold the id (`number`'s first line is read from there for a message).
    var serialSlot: SerialValues.Slot?
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
    var held = Held()
    held.number = try numberOf(idHash: idHash, kind: kind, serial: serial, slot: &held.serialSlot)
    if let number = held.number, number >> 32 == numberHash >> 32 {
      held.holder = idHash
    } else {
      held.holder = try holderOf.value(for: numberHash)
    }
    return held
  }

  /// The id's packed number: from its family's pages while the family is open (with no line: `slot`
  /// says where it is), else its fingerprint's.
  private mutating func numberOf(idHash: UInt64, kind: Int, serial: IDSerial?, slot: inout SerialValues.Slot?) throws -> UInt64? {
    if let serial {
      switch try serials.value(kind: kind, serial) {
      case .value(let key, let at):
        slot = at
        return UInt64(key) << 32
      case .absent: return nil
      case .notHeld: break
      }
    }
    return try numberOf.value(for: idHash)
  }

  /// Nil when the claim agrees with what was seen before in the file (`held`); else the reason to reject.
  /// `id` is read only for the message of a conflict.
  func conflict(idHash: UInt64, numberHash: UInt64, id: @autoclosure () -> String, kind: RejectReason.Kind, held: Held) throws -> LocalizedText? {
    if let earlier = held.number, earlier >> 32 != numberHash >> 32 {
      let line = try held.serialSlot.map { try serials.line(at: $0) } ?? UInt32(truncatingIfNeeded: earlier)
      return RejectReason.anotherNumber(kind: kind, id: id(), line: UInt64(line))
    }
    if let holder = held.holder, holder >> 32 != idHash >> 32 {
      return RejectReason.numberOfAnother(kind: kind, line: holder & 0xFFFF_FFFF)
    }
    return nil
  }

  /// Records an accepted claim (the first line that gave the id and the number); `held` is what
  /// `held(claim)` answered, nothing having been registered since.
  mutating func register(idHash: UInt64, numberHash: UInt64, line: Int, held: Held, kind: Int = 0, serial: IDSerial? = nil) throws {
    let line32 = UInt64(UInt32(truncatingIfNeeded: line))
    if held.number == nil {
      let packed = (numberHash >> 32) << 32 | line32
      if let serial {
        let before = serials.memoryBytes
        switch try serials.store(kind: kind, serial, key: UInt32(truncatingIfNeeded: numberHash >> 32), line: UInt32(line32)) {
        case .stored:
          if serials.memoryBytes != before { try reportSerials() }
        case .notHeld:
          try numberOf.insertAbsent(idHash, packed)
        case .closing:
          // The family's values are held as fingerprints from now on, this one with them. (The pages
          // are moved out meanwhile: they hand their values to another part of `self`.)
          var pages = serials
          serials = SerialValues()
          defer { serials = pages }
          try pages.close(familyOf: serial, kind: kind) { try numberOf.insertAbsent($0, UInt64($1) << 32 | UInt64($2)) }
          _ = place.report(.identityLines, bytes: pages.lineBytes)
          _ = place.report(.identitySerials, bytes: pages.memoryBytes)
          try numberOf.insertAbsent(idHash, packed)
        }
      } else {
        try numberOf.insertAbsent(idHash, packed)
      }
    }
    if held.holder == nil { try holderOf.insertAbsent(numberHash, (idHash >> 32) << 32 | line32) }
  }

  /// Tells the pool what the serial pages hold, and writes them out to disk when it needs their
  /// memory (all but the newest): their lines first (read only for a conflict's message), then their
  /// keys (a person who comes back to a page on disk costs a read of 4 bytes).
  private mutating func reportSerials() throws {
    if serials.lineBytes > 0, place.report(.identityLines, bytes: serials.lineBytes, freeable: serials.coldLineBytes) {
      try serials.writeLinesOut()
      place.spilled(.identityLines, holding: serials.lineBytes)
    }
    if serials.memoryBytes > 0, place.report(.identitySerials, bytes: serials.memoryBytes, freeable: serials.coldKeyBytes) {
      try serials.writeKeysOut()
      place.spilled(.identitySerials, holding: serials.memoryBytes)
    }
  }

  /// Reads, for every claim of a chunk, what checking it reads first (its serial's slot or its id's,
  /// its number's slot and filter blocks) before any is checked. Each of those is a cache miss in a
  /// table of many megabytes; read one after another in loops that do nothing else (no reference
  /// counted on the way: an atomic operation waits for the reads before it), they overlap, the
  /// processor having a dozen in flight, where the checks met them one at a time. What was read is
  /// kept in `warmth`, so the reads are not optimised away.
  private mutating func warm(_ claims: IdentityClaims) {
    guard claims.count > 1 else { return }
    // The keys first, into flat lists (the checks' order does not matter here).
    var numberKeys: [UInt64] = [], idKeys: [UInt64] = [], serialNumbers: [UInt64] = []
    numberKeys.reserveCapacity(claims.count)
    var family: (kind: Int, serial: IDSerial)?
    for i in claims.indices {
      numberKeys.append(claims[i].numberHash)
      if let serial = claims[i].serial, let word = serial.familyWord,
        family == nil || (family?.kind == claims[i].entity && family?.serial.familyWord == word) {
        if family == nil { family = (claims[i].entity, serial) }
        serialNumbers.append(serial.number)
      } else {
        idKeys.append(claims[i].idHash)
      }
    }
    var seen: UInt64 = 0
    numberKeys.withUnsafeBufferPointer { seen ^= holderOf.touch($0) }
    idKeys.withUnsafeBufferPointer { seen ^= numberOf.touch($0) }
    if let family { serialNumbers.withUnsafeBufferPointer { seen ^= serials.touch(kind: family.kind, family: family.serial, numbers: $0) } }
    warmth ^= seen
  }

  /// Forgets every id and number: past the file's last row, its memory goes to what the end judges.
  mutating func removeAll() {
    numberOf.removeAll()
    holderOf.removeAll()
    serials.removeAll()
    _ = place.report(.identityLines, bytes: 0)
    _ = place.report(.identitySerials, bytes: 0)
  }

  /// Blocks read from disk by each table (for tests and the debug line).
  var blockReads: (identities: Int, holders: Int) { (numberOf.blockReads, holderOf.blockReads) }

  /// What it holds, for the debug line.
  var summary: String {
    let disk = serials.diskTraffic
    let written = disk.pages == 0 ? "" : " (\(disk.pages) pages written out, \(disk.reads) slots read back, \(disk.writes) written)"
    return "identities \(numberOf.summary) and \(serials.count) by serial\(written), their numbers \(holderOf.summary)"
  }

  /// The serial pages on disk: pages written out, slots read and written there (for tests).
  var serialDiskTraffic: (pages: Int, reads: Int, writes: Int) { serials.diskTraffic }

  static func fingerprint(_ entity: Int, _ text: String) -> UInt64 {
    var text = text
    return text.withUTF8 { fingerprint(entity, utf8: $0) }
  }

  /// The fingerprint of an ID number held as its digits (`IDNumber.packed`): FNV-1a over its eight
  /// bytes, seeded with the entity kind. Every claim of a run whose number has that form is
  /// fingerprinted so, whatever it was read from (`IdentityClaims`), so the same number always meets itself.
  static func fingerprint(_ entity: Int, packedNumber: Int64) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: entity)
    var rest = UInt64(bitPattern: packedNumber)
    for _ in 0..<8 {
      hash ^= rest & 0xFF
      hash = hash &* 0x100_0000_01b3
      rest >>= 8
    }
    return hash
  }

  /// The fingerprint of a text's UTF-8 bytes (FNV-1a, seeded with the entity kind).
  static func fingerprint(_ entity: Int, utf8 bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: entity)
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }
}

extension IdentityRegistry {
  /// Checks a chunk's claims in file order, each at its first row the merge has not rejected (a
  /// repeated dispatch id): a claim whose rows are all rejected is not checked and not registered, as
  /// the rows are not; one the file accepts is registered with that row's line. Every row of a
  /// conflicting claim becomes a reject (one per line). Returns how many lines were rejected, the row
  /// subjects whose results are dropped, and what becomes of each claim's record's own results.
  /// With a ledger, a claim the file accepts is checked against the identities of earlier batches
  /// too, and recorded when the batch commits.
  ///
  /// A claim is a record (a person of the chunk with one ID number: `RowDecoder` begins a second
  /// record for a row giving another number), so the claims of a chunk are judged as they would be
  /// in chunks of their own, whatever the chunking.
  mutating func reject(_ claims: IdentityClaims, skipping repeated: Set<String>, kinds: [RejectReason.Kind], showPII: Bool,
                       ledger: LedgerHooks?, into rejects: inout [Reject]) throws
    -> (lines: Int, subjects: Set<String>, records: ClaimedRecords)
  {
    var subjects = Set<String>(), lines = Set<Int>(), records = ClaimedRecords()
    let checksLedger = ledger?.identityConflict != nil || ledger?.recordIdentity != nil
    if checksLedger, let prefetch = ledger?.prefetchIdentities {
      try prefetch(claims.indices.map { IdentityRecord(kind: kinds[claims[$0].entity].en, id: claims.id($0), number: claims.number($0)) })
    }
    warm(claims)
    func record(_ i: Int) -> ClaimedRecords.Key { .init(kind: claims[i].entity, id: claims.id(i), line: claims[i].line) }
    /// The line of claim `i`'s first row whose subject `live` takes, in input order; read in place
    /// (no list of rows made for each claim).
    func firstLine(_ i: Int, _ live: (String) -> Bool) -> Int? {
      let claim = claims[i]
      if live(claims.subjects[Int(claim.subject)]) { return claim.line }
      for k in Int(claim.extrasStart)..<Int(claim.extrasEnd) where live(claims.subjects[Int(claims.extras[k].subject)]) {
        return claims.extras[k].line
      }
      return nil
    }
    // In the order of the rows they are judged at: the claims' own, unless a row was rejected here (a
    // claim whose first row repeated a dispatch id comes at its next row, after claims first named
    // between the two).
    var order: [Int]?
    if !repeated.isEmpty {
      let at = claims.indices.map { i in firstLine(i) { !repeated.contains($0) } ?? claims[i].line }
      order = claims.indices.sorted { (at[$0], $0) < (at[$1], $1) }
    }
    // By index, each claim's numbers read in place: this loop runs on the one merging thread for every
    // person of the file; the texts are read only for a conflict or a ledger.
    for n in claims.indices {
      let i = order?[n] ?? n
      var line = claims[i].line
      if !repeated.isEmpty || !subjects.isEmpty {
        // The claim's first row still standing: the claim is judged there, as a chunk beginning
        // there would judge it.
        guard let first = firstLine(i, { !repeated.contains($0) && !subjects.contains($0) }) else {
          records.dropped.insert(record(i))
          continue
        }
        if first != line { records.moved[record(i)] = first }
        line = first
      }
      // The fingerprints only, not a copy of the claim, on the path every accepted claim takes.
      let idHash = claims[i].idHash, numberHash = claims[i].numberHash, kind = claims[i].entity
      let held = try held(idHash: idHash, numberHash: numberHash, kind: kind, serial: claims[i].serial)
      var why = try conflict(idHash: idHash, numberHash: numberHash, id: claims.id(i), kind: kinds[kind], held: held)
      let identity = checksLedger ? IdentityRecord(kind: kinds[kind].en, id: claims.id(i), number: claims.number(i)) : nil
      if why == nil, let identity, let check = ledger?.identityConflict { why = try check(identity)?.text(kindZh: kinds[kind].zh) }
      guard let why else {
        try register(idHash: idHash, numberHash: numberHash, line: line, held: held, kind: kind, serial: claims[i].serial)
        if let identity { try ledger?.recordIdentity?(identity) }
        continue
      }
      records.dropped.insert(record(i))
      records.moved[record(i)] = nil
      for (line, subject) in claims.rows(i) where !repeated.contains(subject) && !subjects.contains(subject) {
        subjects.insert(subject)
        if lines.insert(line).inserted {
          // A person id may itself be an ID number: masked in the reason as in every output.
          rejects.append(Reject(line: line, column: claims.column(i), value: PIIMask.masked(claims.number(i), show: showPII),
                                reason: why.map { PIIMask.mask($0, show: showPII) }))
        }
      }
    }
    // Once a chunk, the pages told to the pool: when it needs their memory, they move to the fingerprints.
    if serials.memoryBytes > 0 { try reportSerials() }
    return (lines.count, subjects, records)
  }
}
