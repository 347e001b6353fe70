/// Text forms of `Fixed`.
///
/// Two forms because they serve different readers: `description` echoes a
/// number the way a policy author writes it (`1.7`, not `1.7000`), and
/// `fenString` is the amount a payment is stated in (`2040.00`).
extension Fixed: CustomStringConvertible {
  /// The shortest exact form: `100`, `1.7`, `0.4`, `-3.5`. Parses back to the same value.
  public var description: String {
    let magnitude = raw.magnitude
    let scale = UInt64(Self.scale)
    var text = raw < 0 ? "-" : ""
    text += String(magnitude / scale)
    var fraction = magnitude % scale
    if fraction != 0 {
      var width = 4
      while fraction % 10 == 0 {
        fraction /= 10
        width -= 1
      }
      text += "." + ASCII.padded(fraction, width: width)
    }
    return text
  }

  /// The value rounded to fen (see `roundedToFen()`) with exactly two
  /// decimals: `100.00`, `0.40`, `-3.50`. A value that rounds to zero prints
  /// as `0.00`, never `-0.00`.
  public var fenString: String {
    let rounded = roundedToFen().raw
    let magnitude = rounded.magnitude
    let scale = UInt64(Self.scale)
    let fen = (magnitude % scale) / 100
    return (rounded < 0 ? "-" : "") + String(magnitude / scale) + "." + ASCII.padded(fen, width: 2)
  }
}
