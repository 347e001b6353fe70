/// The one masker of personal data (身份证号 and any field the fact schema marks `pii: true`).
///
/// Two entry points, one rule: the birth date in the middle of an ID number is hidden, as on
/// printed rosters (first 6, `*`s, last 4: `533123********123X`).
/// - `masked(_:)` masks a value known to be personal (a `pii` field, whatever was typed in it);
/// - `mask(_:)` masks every ID-number-looking run inside free text (messages, keys, explanations,
///   an id that happens to be an ID number). The checksum is not verified on purpose: a mistyped
///   number is still personal data.
///
/// `IDNumber.masked`, the ledger's outputs, the batch's rejects and payouts, `eval`'s reports and
/// diagnostics all call this type; there is no other masker.
public enum PIIMask {
  /// A personal value, masked whole: the first 6 and last 4 characters of a value longer than 10
  /// characters are kept, the rest become `*`; a shorter value is all `*`.
  public static func masked(_ value: String) -> String {
    let count = value.count
    guard count > 10 else { return String(repeating: "*", count: count) }
    return String(value.prefix(6)) + String(repeating: "*", count: count - 10) + String(value.suffix(4))
  }

  /// `masked(value)` unless the caller asked to see personal data.
  public static func masked(_ value: String, show: Bool) -> String {
    show ? value : masked(value)
  }

  /// `text` with every ID-number-looking run masked: exactly 18 characters, 17 ASCII digits then a
  /// digit or `X`, not part of a longer run of digits.
  public static func mask(_ text: String) -> String {
    // Most texts (ids, names, short values) are shorter than an ID number: no copy for them.
    guard text.utf8.count >= 18 else { return text }
    // Nearly every text has nothing to mask: it is only copied once a run is found.
    var text = text
    guard text.withUTF8({ bytes in firstIDRun(in: bytes) != nil }) else { return text }
    var output = Array(text.utf8)
    // Only ASCII digits are replaced by an ASCII `*`, so the bytes stay UTF-8.
    return mask(&output) ? String(decoding: output, as: UTF8.self) : text
  }

  /// The same masking in place, on UTF-8 bytes (a response body written as bytes, not as a String);
  /// true when something was masked.
  @discardableResult
  public static func mask(_ bytes: inout [UInt8]) -> Bool {
    guard bytes.count >= 18 else { return false }
    return bytes.withUnsafeMutableBufferPointer { mask($0) }
  }

  /// The same masking in place, in a buffer the caller owns (a served answer, masked where it was written).
  @discardableResult
  public static func mask(_ bytes: UnsafeMutableBufferPointer<UInt8>) -> Bool {
    var changed = false
    var from = 0
    while from < bytes.count, let run = firstIDRun(in: UnsafeBufferPointer(rebasing: bytes[from...])) {
      let start = from + run
      for position in (start + 6)..<(start + 14) { bytes[position] = UInt8(ascii: "*") }
      changed = true
      from = start + 18
    }
    return changed
  }

  /// Where the first ID-number-looking run in `bytes` starts (18 characters, 17 ASCII digits then a
  /// digit or `X`, not part of a longer run of digits), or nil.
  static func firstIDRun(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var index = 0
    while index < bytes.count {
      // Eight bytes at a time while none is a digit: a served answer is mostly Chinese and keys.
      if index + 8 <= bytes.count, !hasDigit(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)) {
        index += 8
        continue
      }
      guard isDigit(bytes[index]) else { index += 1; continue }
      var end = index
      while end < bytes.count && isDigit(bytes[end]) { end += 1 }
      var length = end - index
      if length == 17 && end < bytes.count && (bytes[end] == UInt8(ascii: "X") || bytes[end] == UInt8(ascii: "x")) {
        length = 18
        end += 1
      }
      if length == 18 { return index }
      index = end
    }
    return nil
  }

  /// `mask(text)` unless the caller asked to see personal data.
  public static func mask(_ text: String, show: Bool) -> String {
    show ? text : mask(text)
  }

  /// Whether any of the eight bytes of `word` is an ASCII digit (exact: "has a byte between 0x2F and
  /// 0x3A" on the bytes below 0x80, and a byte from 0x80 up is none).
  @inline(__always)
  private static func hasDigit(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let low = word & (ones &* 0x7F)
    let aboveSlash = low &+ ones &* (0x7F - 0x2F)  // high bit set where the byte is above 0x2F
    let belowColon = ones &* (0x7F + 0x3A) &- low  // high bit set where the byte is below 0x3A
    return aboveSlash & belowColon & ~word & (ones &* 0x80) != 0  // `&` binds as `&*` does: the mask in parentheses
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}
