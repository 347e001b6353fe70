/// Hides resident ID numbers in any text the ledger prints.
///
/// Beneficiaries are person ids, but keys, subjects and explanations are the
/// caller's text and may carry an ID number. Anything that looks like one —
/// exactly 18 characters, 17 ASCII digits then a digit or `X`, not part of a
/// longer run of digits — is shown as on printed rosters: first 6, eight `*`,
/// last 4. The checksum is not verified on purpose: a mistyped number is still
/// personal data.
public enum PIIMask {
  /// `text` with every ID-number-looking run masked.
  public static func mask(_ text: String) -> String {
    let bytes = Array(text.utf8)
    guard bytes.count >= 18 else { return text }
    var output = bytes
    var index = 0
    var changed = false
    while index < bytes.count {
      guard isDigit(bytes[index]) else { index += 1; continue }
      var end = index
      while end < bytes.count && isDigit(bytes[end]) { end += 1 }
      var length = end - index
      if length == 17 && end < bytes.count && (bytes[end] == UInt8(ascii: "X") || bytes[end] == UInt8(ascii: "x")) {
        length = 18
        end += 1
      }
      if length == 18 {
        for position in (index + 6)..<(index + 14) { output[position] = UInt8(ascii: "*") }
        changed = true
      }
      index = end
    }
    // Only ASCII digits were replaced by an ASCII `*`, so the bytes stay UTF-8.
    return changed ? String(decoding: output, as: UTF8.self) : text
  }

  /// `mask(text)` unless the caller asked to see personal data.
  public static func mask(_ text: String, show: Bool) -> String {
    show ? text : mask(text)
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}
