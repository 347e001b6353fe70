/// Remembers every dispatch id of a batch, so a row repeating one far from the first is rejected
/// however the file is cut into chunks.
///
/// Ids are kept as 64-bit FNV-1a fingerprints with the first line (12 bytes a row instead of a
/// string), which bounds memory at 10 million rows. Two different ids share a fingerprint with
/// probability about n²/2⁶⁵ (3·10⁻⁶ at 10 million rows); the reject then names the line it clashed with.
struct DispatchIDRegistry {
  private var firstLine: [UInt64: Int32] = [:]

  /// The line of an earlier row with this id, or nil (and the id is recorded).
  mutating func earlierLine(of id: String, line: Int) -> Int? {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in id.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    if let earlier = firstLine[hash] { return Int(earlier) }
    firstLine[hash] = Int32(truncatingIfNeeded: line)
    return nil
  }
}
