/// A small JSON value with ordered keys, so output reads in the contract's order and diffs stay stable.
///
/// Not `indirect`: the arrays of `array` and `object` already hold their elements out of line, and an
/// indirect enum put every value (each string, each `true`) in a heap box of its own, thousands per
/// `POST /v1/eval` answer, each allocated, reference counted and freed.
public enum JSON: Sendable, Equatable {
  case string(String)
  /// A number written as given (amounts are strings in the contract; this is for counts).
  case number(String)
  case bool(Bool)
  case null
  case array([JSON])
  case object([(String, JSON)])
  /// JSON text serialised elsewhere (the diagnostics renderer's), written as it is.
  case raw(String)

  public static func == (a: JSON, b: JSON) -> Bool { a.serialized() == b.serialized() }

  public static func optional(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }

  /// Pretty-printed with two-space indentation, non-ASCII left as is (Chinese stays readable).
  public func serialized(indent: Int = 0, pretty: Bool = true) -> String {
    String(decoding: utf8(indent: indent, pretty: pretty), as: UTF8.self)
  }

  /// The same text as UTF-8 bytes, written straight into one buffer (`JSONWriter`).
  public func utf8(indent: Int = 0, pretty: Bool = true, capacity: Int = 16 * 1024) -> [UInt8] {
    var out = JSONWriter(pretty: pretty, indent: indent, capacity: capacity)
    out.value(self)
    return out.bytes()
  }

  static func quote(_ s: String) -> String {
    var out = ByteSink(capacity: s.utf8.count + 2)
    defer { out.deallocate() }
    quote(s, into: &out)
    return String(decoding: out.array(), as: UTF8.self)
  }

  /// `s` as a JSON string: its UTF-8 copied in runs, only `"`, `\` and control characters escaped.
  static func quote(_ s: String, into out: inout ByteSink) {
    out.append(UInt8(ascii: "\""))
    // A native string's bytes are read where they are (no copy of the String to make them contiguous).
    if s.utf8.withContiguousStorageIfAvailable({ escape($0, into: &out) }) == nil {
      var text = s
      text.withUTF8 { escape($0, into: &out) }
    }
    out.append(UInt8(ascii: "\""))
  }

  /// `bytes` copied in runs, only `"`, `\` and control characters escaped.
  private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout ByteSink) {
    var run = 0
    var i = 0
    while i < bytes.count {
      // Eight bytes at a time while none needs escaping (most text, Chinese included, needs none).
      if i + 8 <= bytes.count, !needsEscape(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
        i += 8
        continue
      }
      let byte = bytes[i]
      guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
        i += 1
        continue
      }
      out.append(UnsafeBufferPointer(rebasing: bytes[run..<i]))
      i += 1
      run = i
      switch byte {
      case UInt8(ascii: "\""): out.append("\\\"")
      case UInt8(ascii: "\\"): out.append("\\\\")
      case UInt8(ascii: "\n"): out.append("\\n")
      case UInt8(ascii: "\r"): out.append("\\r")
      case UInt8(ascii: "\t"): out.append("\\t")
      default:
        let hex = Array("0123456789abcdef".utf8)
        out.append("\\u00")
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0xF)])
      }
    }
    out.append(UnsafeBufferPointer(rebasing: bytes[run..<bytes.count]))
  }

  /// Whether any of the eight bytes of `word` is below 0x20, `"` or `\` (exact, in any byte order:
  /// the classic "has a byte less than" and "has a zero byte" tests, which cannot err for bytes ≥ 0x80).
  @inline(__always)
  private static func needsEscape(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    func zeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
    let control = (word &- ones &* 0x20) & ~word & highs
    let quote = zeroByte(word ^ (ones &* UInt64(UInt8(ascii: "\""))))
    let backslash = zeroByte(word ^ (ones &* UInt64(UInt8(ascii: "\\"))))
    return control | quote | backslash != 0
  }
}
