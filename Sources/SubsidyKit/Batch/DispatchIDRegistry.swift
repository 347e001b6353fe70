/// Remembers every dispatch id of a batch, so a row repeating one far from the first is rejected
/// however the file is cut into chunks.
///
/// Ids are kept as 64-bit FNV-1a fingerprints with the first line (12 bytes a row instead of a
/// string). Two different ids share a fingerprint with probability about n²/2⁶⁵ (3·10⁻⁶ at 10 million
/// rows); the reject then names the line it clashed with. When the run's state outgrows its memory
/// budget the table moves to the run's `SpillStore`, so memory stays flat however many rows the file has.
struct DispatchIDRegistry {
  private var firstLine = FingerprintTable<Int32>()
  private let place: SpillPlace
  private var spilled: SpillStore?

  init(place: SpillPlace = SpillPlace()) {
    self.place = place
  }

  /// The line of an earlier row with this id, or nil (and the id is recorded).
  /// `hash` is the id's `fingerprint`, computed on a worker thread so the merge only looks up.
  mutating func earlierLine(hash: UInt64, line: Int) throws -> Int? {
    if let spilled { return try Self.earlierLine(hash, line, in: spilled) }
    if let earlier = firstLine.insertIfAbsent(hash, Int32(truncatingIfNeeded: line)) { return Int(earlier) }
    if firstLine.count % place.reportEvery == 0,
      place.report(.dispatchIDs, bytes: firstLine.count * MemoryBudget.hashEntry(valueBytes: 4)) {
      try spill()
    }
    return nil
  }

  /// The id's 64-bit FNV-1a fingerprint.
  static func fingerprint(_ id: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in id.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }

  private mutating func spill() throws {
    let store = try place.store(for: .dispatchIDs)
    try store.execute("CREATE TABLE dispatch_ids (hash INTEGER PRIMARY KEY, line INTEGER NOT NULL)")
    try firstLine.forEach { hash, line in
      try store.run("INSERT INTO dispatch_ids VALUES (?, ?)", [.int(Int64(bitPattern: hash)), .int(Int64(line))])
    }
    firstLine = FingerprintTable()
    spilled = store
  }

  private static func earlierLine(_ hash: UInt64, _ line: Int, in store: SpillStore) throws -> Int? {
    let key = Int64(bitPattern: hash)
    if try store.run("INSERT OR IGNORE INTO dispatch_ids VALUES (?, ?)", [.int(key), .int(Int64(Int32(truncatingIfNeeded: line)))]) == 1 {
      return nil
    }
    var earlier: Int?
    try store.run("SELECT line FROM dispatch_ids WHERE hash = ?", [.int(key)]) { earlier = Int($0.int(0)) }
    return earlier
  }
}
