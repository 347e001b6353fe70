/// An exact decimal number with four fractional digits.
///
/// Money and rates must never pass through `Double`: 0.1 + 0.2 is not 0.3 in
/// binary floating point, and a subsidy paid to the fen has to reproduce exactly
/// from the policy text. Four places hold fen (two places) plus enough headroom
/// for rates such as `1.7` or `0.125` and for intermediate results, which are
/// rounded to fen only when output (see `roundedToFen()`).
///
/// The value is stored as `raw` = value × 10 000 in an `Int64`, which covers
/// about ±922 trillion: far beyond any subsidy, yet every operation that takes
/// its operands from input is still checked and returns nil on overflow rather
/// than trapping, because a policy file or a CSV row must never crash the engine.
public struct Fixed: Hashable, Comparable, Sendable {
  /// The number of `raw` units in one: values carry four decimal places.
  public static let scale: Int64 = 10_000

  /// The value multiplied by `scale`.
  public let raw: Int64

  /// Wraps a raw value (value × 10 000) unchanged.
  public init(raw: Int64) {
    self.raw = raw
  }

  /// The whole number `integer`, or nil when it is too large to scale by 10 000.
  public init?(integer: Int64) {
    let (scaled, overflow) = integer.multipliedReportingOverflow(by: Self.scale)
    guard !overflow else { return nil }
    self.raw = scaled
  }

  /// Builds a value from a magnitude in raw units and a sign; nil if it does
  /// not fit in `Int64` (the negative side can hold one more unit).
  init?(magnitude: UInt64, negative: Bool) {
    if negative {
      let limit = UInt64(Int64.max) + 1
      guard magnitude <= limit else { return nil }
      raw = magnitude == limit ? Int64.min : -Int64(magnitude)
    } else {
      guard magnitude <= UInt64(Int64.max) else { return nil }
      raw = Int64(magnitude)
    }
  }

  public static let zero = Fixed(raw: 0)

  public static func < (lhs: Fixed, rhs: Fixed) -> Bool {
    lhs.raw < rhs.raw
  }

  /// True when there is no fractional part (e.g. `100`, not `100.5`).
  public var isInteger: Bool {
    raw % Self.scale == 0
  }

  /// The whole-number value, or nil when the value has a fractional part;
  /// used where the language needs a count (months, days) rather than an amount.
  public var integerValue: Int64? {
    isInteger ? raw / Self.scale : nil
  }
}
