/// Fen shown as yuan with two decimals (`123456` → `"1234.56"`), by integer
/// division: money never passes through floating point on its way to a report.
public enum Yuan {
  public static func format(fen: Int64) -> String {
    // magnitude is UInt64, so even Int64.min prints instead of trapping.
    let magnitude = fen.magnitude
    let cents = magnitude % 100
    let whole = magnitude / 100
    return (fen < 0 ? "-" : "") + String(whole) + "." + (cents < 10 ? "0" : "") + String(cents)
  }
}
