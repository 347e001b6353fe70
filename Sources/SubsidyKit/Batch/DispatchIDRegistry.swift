/// Remembers every dispatch id of a batch, so a row repeating one far from the first is rejected
/// however the file is cut into chunks.
///
/// Ids are kept as 64-bit FNV-1a fingerprints with the first line (12 bytes a row instead of a
/// string). Two different ids share a fingerprint with probability about n²/2⁶⁵ (3·10⁻⁶ at 10 million
/// rows); the reject then names the line it clashed with. When the run's state outgrows its memory
/// budget the table spills to sorted runs on disk (`FingerprintRuns`), so memory stays flat however
/// many rows the file has, and a new id (most rows) is still told apart without reading the disk.
struct DispatchIDRegistry {
  private var firstLine: FingerprintRuns<Int32>

  init(place: SpillPlace = SpillPlace()) {
    firstLine = FingerprintRuns(place: place, part: .dispatchIDs)
  }

  /// The line of an earlier row with this id, or nil (and the id is recorded).
  /// `hash` is the id's `fingerprint`, computed on a worker thread so the merge only looks up.
  mutating func earlierLine(hash: UInt64, line: Int) throws -> Int? {
    try firstLine.insertIfAbsent(hash, Int32(truncatingIfNeeded: line)).map(Int.init)
  }

  /// Forgets every id: past the file's last row, its memory goes to what the end judges.
  mutating func removeAll() { firstLine.removeAll() }

  /// What it holds, for the debug line.
  var summary: String { "dispatch ids \(firstLine.summary)" }

  /// The id's 64-bit FNV-1a fingerprint.
  static func fingerprint(_ id: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in id.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }
}
