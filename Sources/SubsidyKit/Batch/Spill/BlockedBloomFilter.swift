/// Whether a spilled run may hold a fingerprint: a blocked Bloom filter (Putze, Sanders and Singler,
/// "Cache-, hash- and space-efficient Bloom filters"), about 10 bits a key, so a lookup of a key the
/// run does not hold (the common case: a new dispatch id, a new person) touches one 64-byte cache
/// line and not the disk, but for about 1 % of them.
///
/// Each key picks one 512-bit block and sets 7 bits in it (9 bits of a hash each). Built once when
/// its run is written; never changes after.
final class BlockedBloomFilter {
  /// 8 words (one cache line) a block, aligned to a cache line.
  private let words: UnsafeMutablePointer<UInt64>
  private let blocks: Int

  /// Bits a key: 10 gives about 1 % false positives with 7 bits set in a 512-bit block.
  static let bitsPerKey = 10

  /// A filter sized for `keys` keys.
  init(keys: Int) {
    blocks = max(1, (max(0, keys) * Self.bitsPerKey + 511) / 512)
    let raw = UnsafeMutableRawPointer.allocate(byteCount: blocks * 64, alignment: 64)
    raw.initializeMemory(as: UInt8.self, repeating: 0, count: blocks * 64)
    words = raw.bindMemory(to: UInt64.self, capacity: blocks * 8)
  }

  deinit { UnsafeMutableRawPointer(words).deallocate() }

  /// What the filter holds in memory.
  var bytes: Int { blocks * 64 }

  func insert(_ key: UInt64) {
    let (base, bits) = place(key)
    for i in 0..<7 {
      let bit = Int(truncatingIfNeeded: bits >> (9 * UInt64(i))) & 511
      words[base + (bit >> 6)] |= 1 << UInt64(bit & 63)
    }
  }

  func mayContain(_ key: UInt64) -> Bool {
    let (base, bits) = place(key)
    for i in 0..<7 {
      let bit = Int(truncatingIfNeeded: bits >> (9 * UInt64(i))) & 511
      if words[base + (bit >> 6)] & (1 << UInt64(bit & 63)) == 0 { return false }
    }
    return true
  }

  /// Reads the first word of each key's block, and returns them folded together (see
  /// `FingerprintTable.touch`).
  func touch(_ keys: UnsafeBufferPointer<UInt64>) -> UInt64 {
    var seen: UInt64 = 0
    for key in keys { seen ^= words[place(key).base] }
    return seen
  }

  /// The key's block (its first word) and the 63 bits that choose the bits set in it.
  @inline(__always)
  private func place(_ key: UInt64) -> (base: Int, bits: UInt64) {
    let h = Self.mix(key ^ Self.seed)
    // The upper 32 bits scaled to the block count (Lemire's multiply-shift, no division).
    let block = Int(truncatingIfNeeded: ((h >> 32) &* UInt64(blocks)) >> 32)
    return (block * 8, Self.mix(h ^ 0x9E37_79B9_7F4A_7C15))
  }

  /// MurmurHash3's finalizer: every bit of the input reaches every bit of the output.
  @inline(__always)
  private static func mix(_ x: UInt64) -> UInt64 {
    var h = x
    h ^= h >> 33
    h &*= 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    h &*= 0xc4ce_b9fe_1a85_ec53
    h ^= h >> 33
    return h
  }

  /// Fingerprints are unkeyed (FNV-1a): a per-process seed keeps a hostile file from choosing ids that
  /// fill one block, as `FingerprintTable`'s seed keeps them from sharing a slot.
  private static let seed = UInt64.random(in: 0...UInt64.max)
}
