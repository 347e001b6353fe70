/// Byte-level helpers shared by the parsers.
///
/// Every textual value in this module (amounts, dates, division codes, ID
/// numbers) has an ASCII grammar, so the parsers work on UTF-8 bytes. That lets
/// the `String`/`Substring` entry points and the batch CSV path
/// (`UnsafeBufferPointer<UInt8>`) share one implementation that never allocates.
enum ASCII {
  static let zero = UInt8(ascii: "0")
  static let minus = UInt8(ascii: "-")
  static let point = UInt8(ascii: ".")

  /// The value of an ASCII decimal digit, or nil for any other byte
  /// (including non-ASCII digits such as full-width `４`, which are rejected on purpose).
  @inline(__always)
  static func digit(_ byte: UInt8) -> UInt8? {
    let value = byte &- zero
    return value < 10 ? value : nil
  }

  /// Reads exactly `count` ASCII digits starting at `index` as a number.
  /// Returns nil if any byte is not a digit or the collection is too short.
  /// `count` is small (at most 6 here), so the result cannot overflow `Int`.
  @inline(__always)
  static func number<Bytes: Collection<UInt8>>(
    _ bytes: Bytes, from index: Bytes.Index, count: Int
  ) -> Int? {
    var result = 0
    var position = index
    for _ in 0..<count {
      guard position != bytes.endIndex, let d = digit(bytes[position]) else { return nil }
      result = result * 10 + Int(d)
      bytes.formIndex(after: &position)
    }
    return result
  }

  /// Zero-pads the decimal form of `value` to at least `width` digits.
  static func padded(_ value: some BinaryInteger, width: Int) -> String {
    let digits = String(value)
    guard digits.count < width else { return digits }
    return String(repeating: "0", count: width - digits.count) + digits
  }
}
