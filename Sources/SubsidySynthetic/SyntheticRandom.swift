/// The generator's own pseudo-random numbers: xoshiro256** seeded by SplitMix64.
///
/// Written here rather than taken from the standard library because the
/// synthetic CSV must be byte-for-byte reproducible from its seed on every
/// platform and Swift version (`SystemRandomNumberGenerator` is not seedable,
/// and `Int.random(in:using:)` does not promise a stable algorithm).
/// Everything below uses only integer arithmetic that Swift defines exactly.
struct SyntheticRandom {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  /// A stream for `seed`; the four words of state come from SplitMix64 so that
  /// nearby seeds (0, 1, 2…) still give unrelated streams.
  init(seed: UInt64) {
    var mixer = seed
    s0 = SyntheticRandom.splitMix(&mixer)
    s1 = SyntheticRandom.splitMix(&mixer)
    s2 = SyntheticRandom.splitMix(&mixer)
    s3 = SyntheticRandom.splitMix(&mixer)
  }

  /// A stream of its own for one entity (a person, a household), so the entity's
  /// columns can be recomputed from its index alone whenever it appears again:
  /// nothing about people has to be remembered between rows.
  init(seed: UInt64, stream: UInt64, index: Int) {
    var mixer = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
    let salt = SyntheticRandom.splitMix(&mixer)
    self.init(seed: salt ^ UInt64(truncatingIfNeeded: index))
  }

  /// SplitMix64: one step of a Weyl sequence, then a strong 64-bit mix.
  static func splitMix(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The next 64 random bits (xoshiro256**).
  mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3 << 45 | s3 >> 19
    return result
  }

  /// A uniform integer in `0..<n` (Lemire's multiply-shift; the tiny bias for
  /// huge `n` does not matter for test data). Returns 0 when `n <= 0`.
  mutating func below(_ n: Int) -> Int {
    guard n > 1 else { return 0 }
    return Int(next().multipliedFullWidth(by: UInt64(n)).high)
  }

  /// A uniform integer in the closed range.
  mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + below(range.upperBound - range.lowerBound + 1)
  }

  /// True with probability `percent`/100; integer percentages keep the draw exact.
  mutating func percent(_ percent: Int) -> Bool {
    below(100) < percent
  }

  /// True with probability `p` (a fraction, compared against 53 random bits).
  mutating func chance(_ p: Double) -> Bool {
    guard p > 0 else { return false }
    return Double(next() >> 11) * 0x1p-53 < p
  }

  /// One element of a non-empty array, or nil for an empty one.
  mutating func pick<T>(_ items: [T]) -> T? {
    items.isEmpty ? nil : items[below(items.count)]
  }

  /// An index chosen with the given integer weights (nil if they sum to 0).
  mutating func weighted(_ weights: [Int]) -> Int? {
    let total = weights.reduce(0, +)
    guard total > 0 else { return nil }
    var roll = below(total)
    for (index, weight) in weights.enumerated() {
      if roll < weight { return index }
      roll -= weight
    }
    return nil
  }
}
