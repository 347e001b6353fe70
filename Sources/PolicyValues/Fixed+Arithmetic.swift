/// Checked arithmetic on `Fixed`.
///
/// Operands come from policy files and fact rows, so nothing here may trap:
/// every operation returns nil on overflow (and on division by zero). There are
/// deliberately no `+ - * /` operators, so a trapping path cannot be written by
/// accident. Products and quotients are rounded half away from zero to four
/// places, the same rule for positive and negative values, so a refund computes
/// as the exact negation of the payment.
extension Fixed {
  public func adding(_ other: Fixed) -> Fixed? {
    let (sum, overflow) = raw.addingReportingOverflow(other.raw)
    return overflow ? nil : Fixed(raw: sum)
  }

  public func subtracting(_ other: Fixed) -> Fixed? {
    let (difference, overflow) = raw.subtractingReportingOverflow(other.raw)
    return overflow ? nil : Fixed(raw: difference)
  }

  /// nil only for the most negative raw value, whose negation does not fit.
  public func negated() -> Fixed? {
    let (negation, overflow) = Int64(0).subtractingReportingOverflow(raw)
    return overflow ? nil : Fixed(raw: negation)
  }

  /// The product rounded half away from zero to four places
  /// (e.g. 1200 × 1.7 = 2040, 0.0001 × 0.5 = 0.0001).
  ///
  /// raw × raw needs up to 128 bits before dividing by the scale, so the
  /// magnitudes are multiplied full-width and divided back down.
  public func multiplied(by other: Fixed) -> Fixed? {
    let product = raw.magnitude.multipliedFullWidth(by: other.raw.magnitude)
    guard let quotient = Self.roundedQuotient(
      high: product.high, low: product.low, divisor: UInt64(Self.scale)
    ) else { return nil }
    return Fixed(magnitude: quotient, negative: (raw < 0) != (other.raw < 0))
  }

  /// The quotient rounded half away from zero to four places
  /// (e.g. 19999 / 4 = 4999.75, 1 / 3 = 0.3333, 2 / 3 = 0.6667); nil when
  /// dividing by zero or when the result does not fit.
  public func divided(by other: Fixed) -> Fixed? {
    guard other.raw != 0 else { return nil }
    let numerator = raw.magnitude.multipliedFullWidth(by: UInt64(Self.scale))
    guard let quotient = Self.roundedQuotient(
      high: numerator.high, low: numerator.low, divisor: other.raw.magnitude
    ) else { return nil }
    return Fixed(magnitude: quotient, negative: (raw < 0) != (other.raw < 0))
  }

  /// (high, low) / divisor on unsigned magnitudes, rounding half up (which is
  /// half away from zero once the sign is applied). nil when the quotient does
  /// not fit in 64 bits; checked first because `dividingFullWidth` traps then.
  static func roundedQuotient(high: UInt64, low: UInt64, divisor: UInt64) -> UInt64? {
    guard divisor != 0, high < divisor else { return nil }
    let (quotient, remainder) = divisor.dividingFullWidth((high: high, low: low))
    // remainder * 2 >= divisor, written so it cannot overflow.
    guard remainder >= divisor - remainder else { return quotient }
    let (rounded, overflow) = quotient.addingReportingOverflow(1)
    return overflow ? nil : rounded
  }

  /// The value rounded half away from zero to two places (fen): 0.125 → 0.13,
  /// −0.125 → −0.13, as payments are stated to the fen.
  ///
  /// Never traps, and in fact cannot overflow: the `Int64` limits end in
  /// …807 and −…808 raw units, less than half a fen past the last whole fen, so
  /// values there round toward zero anyway. The additions are still checked and
  /// would fall back to rounding toward zero (saturating at the largest
  /// representable fen amount) so that the guarantee does not rest on that
  /// arithmetic fact alone.
  public func roundedToFen() -> Fixed {
    let unit: Int64 = 100  // raw units per fen
    let remainder = raw % unit  // takes the sign of raw; cannot trap (unit != -1)
    let truncated = raw - remainder  // moves toward zero, cannot overflow
    if remainder >= unit / 2 {
      let (up, overflow) = truncated.addingReportingOverflow(unit)
      return Fixed(raw: overflow ? truncated : up)
    }
    if remainder <= -unit / 2 {
      let (down, overflow) = truncated.subtractingReportingOverflow(unit)
      return Fixed(raw: overflow ? truncated : down)
    }
    return Fixed(raw: truncated)
  }
}
