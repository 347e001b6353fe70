import Foundation
import PolicyEval
import PolicyValues

/// The batch's best claim per limit slot, settled as `LimitBook` settles (`ClaimOrder`; winners in the
/// order their slots were first claimed), held in about a third of its memory: a batch keeps one winner
/// per beneficiary and year until the file ends, 114,000 of them in a 1M-row file.
///
/// `LimitBook<PayoutRow>` held each winner as a 216-byte row and its slot as a dictionary key of two
/// strings (about 370 bytes a winner with the table's spare capacity), so at the default `--memory` the
/// winners went to the temporary database and every payment of the file paid an SQLite lookup. Here a
/// winner is a record of bytes in an arena, its slot a 64-bit fingerprint in a `FingerprintTable`:
/// about 110 bytes. The fingerprint only finds a candidate: the slot stored in the record is compared,
/// and a slot whose fingerprint another slot already has is kept exactly in `overflow`, so a collision
/// can never merge two beneficiaries' limits.
struct PackedLimitBook {
  /// Slot fingerprint → winner number (first-claim order).
  private var places = FingerprintTable<UInt32>()
  /// Slots whose fingerprint an earlier, different slot holds in `places`.
  private var overflow: [LimitSlot: UInt32] = [:]
  /// Each winner's record: its page (upper bits) and offset in the page.
  private var records: [UInt64] = []
  private var pages: [[UInt8]] = []
  private let fingerprint: (LimitSlot) -> UInt64

  /// A page of records: appended to, never grown past this, so the book grows a page at a time.
  static let pageBytes = 1 << 20

  /// `fingerprint`: tests give one that collides on purpose.
  init(fingerprint: @escaping (LimitSlot) -> UInt64 = PackedLimitBook.fingerprint) {
    self.fingerprint = fingerprint
  }

  /// Winners held.
  var count: Int { records.count }

  /// What the book holds in memory: its table, index, pages and the overflow's entries.
  var bytes: Int {
    places.allocatedBytes + records.capacity * 8 + pages.reduce(0) { $0 + $1.capacity }
      + overflow.count * (MemoryLayout<LimitSlot>.stride + 8) * 2
  }

  /// Offers a claim for its slot; returns the rule index of the claim that lost (the one offered, or the
  /// holder it displaced), nil when the slot was free.
  mutating func offer(_ row: PayoutRow, slot: LimitSlot) -> Int? {
    let key = fingerprint(slot)
    var place: Int?
    if let held = places[key] {
      if holds(Int(held), slot) {
        place = Int(held)
      } else if let other = overflow[slot] {
        place = Int(other)
      }
    }
    guard let place else {
      let number = UInt32(records.count)
      if places.insertIfAbsent(key, number) != nil { overflow[slot] = number }
      records.append(append(row, slot: slot))
      return nil
    }
    let holder = claim(place)
    // Status and date decide nearly every contest; the holder's subject is read only on a tie.
    let offered = row.claimOrder
    let wins = (offered.rank, offered.date) != (holder.rank, holder.date)
      ? (offered.rank, offered.date) < (holder.rank, holder.date)
      : offered < ClaimOrder(rank: holder.rank, date: holder.date, subject: subject(place))
    guard wins else { return row.ruleIndex }
    // The holder's record stays in its page, unused, until the book is drained (`bytes` counts it).
    records[place] = append(row, slot: slot)
    return holder.ruleIndex
  }

  /// Each winning claim in the order its slot was first claimed; the book is emptied, each page freed
  /// once its records are handed over.
  mutating func drain(_ body: (PayoutRow) throws -> Void) rethrows {
    places = FingerprintTable()
    overflow = [:]
    let held = records
    records = []
    // A replaced record may sit in a page below a winner handed over earlier, so a page is freed once
    // no later winner points into it.
    var lastUse = [Int](repeating: -1, count: pages.count)
    for (i, place) in held.enumerated() { lastUse[Int(place >> 32)] = i }
    for (i, place) in held.enumerated() {
      let page = Int(place >> 32)
      try body(row(page: page, at: Int(place & 0xFFFF_FFFF)))
      if lastUse[page] == i { pages[page] = [] }
    }
    pages = []
  }

  // MARK: Records

  /// A record: rule index (4), status (1), flags (1), amount (8), eligible from, expires, rule date,
  /// slot rule, slot year (4 each), then the subject, beneficiary, payee, missing evidence, slot
  /// beneficiary, slot payee, explanation and shown explanation, each as a LEB128 length and its UTF-8.
  ///
  /// Written straight into the last page, its size worked out first: a record built in an array of its
  /// own, from an array of its seven texts, cost two allocations a claim on the merging thread.
  private mutating func append(_ row: PayoutRow, slot: LimitSlot) -> UInt64 {
    let explanation = row.explanationJSON ?? "", shown = row.shownJSON ?? ""
    var size = Self.fixedBytes
    for count in [row.subject.utf8.count, row.beneficiary.utf8.count, row.payee.utf8.count, row.missingEvidence.utf8.count,
                  slot.beneficiary.utf8.count, slot.payee.utf8.count, explanation.utf8.count, shown.utf8.count] {
      size += Self.lengthBytes(count) + count
    }
    if pages.isEmpty || pages[pages.count - 1].count + size > Self.pageBytes {
      pages.append([])
      pages[pages.count - 1].reserveCapacity(max(Self.pageBytes, size))
    }
    let page = pages.count - 1
    let offset = pages[page].count
    var flags: UInt8 = 0
    if row.amount != nil { flags |= 1 }
    if row.eligibleFrom != nil { flags |= 2 }
    if row.expires != nil { flags |= 4 }
    if row.explanationJSON != nil { flags |= 8 }
    if row.shownJSON != nil { flags |= 16 }
    Self.put(UInt32(truncatingIfNeeded: row.ruleIndex), &pages[page])
    pages[page].append(UInt8(Self.statuses.firstIndex(of: row.status) ?? 0))
    pages[page].append(flags)
    Self.put(UInt64(bitPattern: row.amount?.raw ?? 0), &pages[page])
    Self.put(row.eligibleFrom?.packedValue ?? 0, &pages[page])
    Self.put(row.expires?.packedValue ?? 0, &pages[page])
    Self.put(row.ruleDate.packedValue, &pages[page])
    Self.put(UInt32(bitPattern: slot.rule), &pages[page])
    Self.put(UInt32(bitPattern: slot.year), &pages[page])
    Self.put(row.subject, &pages[page])
    Self.put(row.beneficiary, &pages[page])
    Self.put(row.payee, &pages[page])
    Self.put(row.missingEvidence, &pages[page])
    Self.put(slot.beneficiary, &pages[page])
    Self.put(slot.payee, &pages[page])
    Self.put(explanation, &pages[page])
    Self.put(shown, &pages[page])
    assert(pages[page].count == offset + size)
    return UInt64(page) << 32 | UInt64(offset)
  }

  /// Bytes of a LEB128 length.
  private static func lengthBytes(_ n: Int) -> Int {
    var n = n, bytes = 1
    while n >= 0x80 {
      n >>= 7
      bytes += 1
    }
    return bytes
  }

  /// Where a record's strings start.
  private static let fixedBytes = 34

  private static let statuses = Status.allCases

  /// Whether winner `number`'s slot is `slot`: the numbers, then the texts' bytes (`LimitSlot`'s `==`),
  /// read in place.
  private func holds(_ number: Int, _ slot: LimitSlot) -> Bool {
    let place = records[number]
    return pages[Int(place >> 32)].withUnsafeBufferPointer { page -> Bool in
      var reader = Reader(page, at: Int(place & 0xFFFF_FFFF))
      reader.position += 26
      let rule = Int32(bitPattern: reader.u32()), year = Int32(bitPattern: reader.u32())
      guard rule == slot.rule, year == slot.year else { return false }
      for _ in 0..<4 { reader.skipText() }
      return reader.textEquals(slot.beneficiary) && reader.textEquals(slot.payee)
    }
  }

  /// The holder's status rank, rule date and rule.
  private func claim(_ number: Int) -> (rank: Int, date: CivilDate, ruleIndex: Int) {
    let place = records[number]
    return pages[Int(place >> 32)].withUnsafeBufferPointer { page in
      let start = Int(place & 0xFFFF_FFFF)
      var reader = Reader(page, at: start)
      let ruleIndex = Int(reader.u32())
      let status = Self.statuses[Int(page[reader.position])]
      reader.position = start + 22
      let ruleDate = CivilDate(packed: reader.u32())
      return (status.claimRank, ruleDate, ruleIndex)
    }
  }

  /// Winner `number`'s subject.
  private func subject(_ number: Int) -> String {
    let place = records[number]
    return pages[Int(place >> 32)].withUnsafeBufferPointer { page in
      var reader = Reader(page, at: Int(place & 0xFFFF_FFFF) + Self.fixedBytes)
      return reader.text()
    }
  }

  private func row(page: Int, at offset: Int) -> PayoutRow {
    pages[page].withUnsafeBufferPointer { page in
      var reader = Reader(page, at: offset)
      let ruleIndex = Int(reader.u32())
      let status = Self.statuses[Int(reader.u8())]
      let flags = reader.u8()
      let amount = Int64(bitPattern: reader.u64())
      let eligibleFrom = reader.u32(), expires = reader.u32(), ruleDate = reader.u32()
      let rule = Int32(bitPattern: reader.u32()), year = Int32(bitPattern: reader.u32())
      let subject = reader.text(), beneficiary = reader.text(), payee = reader.text(), missing = reader.text()
      let slot = LimitSlot(stored: rule, beneficiary: reader.text(), payee: reader.text(), year: year)
      let explanation = reader.text(), shown = reader.text()
      return PayoutRow(ruleIndex: ruleIndex, subject: subject, beneficiary: beneficiary, payee: payee,
                       amount: flags & 1 != 0 ? Fixed(raw: amount) : nil, status: status,
                       eligibleFrom: flags & 2 != 0 ? CivilDate(packed: eligibleFrom) : nil,
                       expires: flags & 4 != 0 ? CivilDate(packed: expires) : nil, missingEvidence: missing,
                       ruleDate: CivilDate(packed: ruleDate), slot: slot, explanationJSON: flags & 8 != 0 ? explanation : nil,
                       shownJSON: flags & 16 != 0 ? shown : nil)
    }
  }

  private static func put<T: FixedWidthInteger>(_ value: T, _ bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  private static func put(_ text: String, _ bytes: inout [UInt8]) {
    if text.utf8.withContiguousStorageIfAvailable({ put(utf8: $0, &bytes) }) == nil {
      Array(text.utf8).withUnsafeBufferPointer { put(utf8: $0, &bytes) }
    }
  }

  private static func put(utf8: UnsafeBufferPointer<UInt8>, _ bytes: inout [UInt8]) {
    var n = utf8.count
    while n >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: n) | 0x80)
      n >>= 7
    }
    bytes.append(UInt8(n))
    bytes.append(contentsOf: utf8)
  }

  /// Reads a record in place.
  private struct Reader {
    let page: UnsafeBufferPointer<UInt8>
    var position: Int

    init(_ page: UnsafeBufferPointer<UInt8>, at position: Int) {
      self.page = page
      self.position = position
    }

    mutating func u8() -> UInt8 {
      defer { position += 1 }
      return page[position]
    }

    mutating func u32() -> UInt32 {
      defer { position += 4 }
      return UInt32(littleEndian: UnsafeRawBufferPointer(page).loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    mutating func u64() -> UInt64 {
      defer { position += 8 }
      return UInt64(littleEndian: UnsafeRawBufferPointer(page).loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    mutating func length() -> Int {
      var n = 0, shift = 0
      while true {
        let byte = u8()
        n |= Int(byte & 0x7F) << shift
        if byte < 0x80 { return n }
        shift += 7
      }
    }

    mutating func text() -> String {
      let n = length()
      defer { position += n }
      return String(decoding: UnsafeBufferPointer(rebasing: page[position..<(position + n)]), as: UTF8.self)
    }

    mutating func skipText() { position += length() }

    /// Whether the next text is `text`'s bytes; moves past it.
    mutating func textEquals(_ text: String) -> Bool {
      let n = length()
      defer { position += n }
      let stored = UnsafeBufferPointer(rebasing: page[position..<(position + n)])
      return text.utf8.withContiguousStorageIfAvailable { $0.count == n && (n == 0 || memcmp($0.baseAddress!, stored.baseAddress!, n) == 0) }
        ?? text.utf8.elementsEqual(stored)
    }
  }

  /// FNV-1a over the slot's parts (`FingerprintTable` mixes it with its per-process seed).
  static func fingerprint(_ slot: LimitSlot) -> UInt64 {
    // Plain loops over the parts' bytes: a nested function capturing the hash and an array of the two
    // parts cost an allocation and the runtime's exclusivity checks for every claim merged.
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var head = (UInt64(UInt32(bitPattern: slot.rule.littleEndian)) | UInt64(UInt32(bitPattern: slot.year.littleEndian)) << 32)
    for _ in 0..<8 {
      hash ^= head & 0xFF
      hash = hash &* 0x100_0000_01b3
      head >>= 8
    }
    var beneficiary = slot.beneficiary, payee = slot.payee
    hash = beneficiary.withUTF8 { Self.mix($0, into: hash) }
    hash = payee.withUTF8 { Self.mix($0, into: hash) }
    return hash
  }

  /// FNV-1a over `bytes`, then a byte that is not UTF-8 ("ab" + "c" and "a" + "bc" differ).
  @inline(__always)
  private static func mix(_ bytes: UnsafeBufferPointer<UInt8>, into start: UInt64) -> UInt64 {
    var hash = start
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    hash ^= 0xFF
    return hash &* 0x100_0000_01b3
  }
}
