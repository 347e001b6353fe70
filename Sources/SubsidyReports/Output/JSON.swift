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

  /// The same text as UTF-8 bytes, written straight into one buffer: a server sends these as they
  /// are, with no String built, copied and converted back on the way (thousands of answers a second).
  /// `capacity` is the first buffer's size: a served answer sized for it is written without the
  /// buffer being moved (a `POST /v1/eval` answer of 58 KB was copied at 16, 32 and 64 KB).
  public func utf8(indent: Int = 0, pretty: Bool = true, capacity: Int = 16 * 1024) -> [UInt8] {
    var out = ByteSink(capacity: capacity)
    defer { out.deallocate() }
    write(to: &out, indent: indent, pretty: pretty)
    return out.array()
  }

  private func write(to out: inout ByteSink, indent: Int, pretty: Bool) {
    switch self {
    case .string(let s): JSON.quote(s, into: &out)
    case .number(let n): out.append(n)
    case .bool(let b): out.append(b ? "true" : "false")
    case .null: out.append("null")
    case .raw(let text): out.append(text)
    case .array(let items):
      if items.isEmpty {
        out.append("[]")
        return
      }
      out.append(UInt8(ascii: "["))
      // Read in place through the buffer: no element is copied (retained and released) to be written.
      items.withUnsafeBufferPointer { items in
        for i in items.indices {
          if i > 0 { out.append(UInt8(ascii: ",")) }
          JSON.newline(&out, indent: indent + 1, pretty: pretty)
          items[i].write(to: &out, indent: indent + 1, pretty: pretty)
        }
      }
      JSON.newline(&out, indent: indent, pretty: pretty)
      out.append(UInt8(ascii: "]"))
    case .object(let pairs):
      if pairs.isEmpty {
        out.append("{}")
        return
      }
      out.append(UInt8(ascii: "{"))
      pairs.withUnsafeBufferPointer { pairs in
        for i in pairs.indices {
          if i > 0 { out.append(UInt8(ascii: ",")) }
          JSON.newline(&out, indent: indent + 1, pretty: pretty)
          JSON.quote(pairs[i].0, into: &out)
          out.append(UInt8(ascii: ":"))
          if pretty { out.append(UInt8(ascii: " ")) }
          pairs[i].1.write(to: &out, indent: indent + 1, pretty: pretty)
        }
      }
      JSON.newline(&out, indent: indent, pretty: pretty)
      out.append(UInt8(ascii: "}"))
    }
  }

  /// A line break and two spaces per level, when pretty.
  private static func newline(_ out: inout ByteSink, indent: Int, pretty: Bool) {
    guard pretty else { return }
    out.append(UInt8(ascii: "\n"))
    out.append(UInt8(ascii: " "), count: 2 * indent)
  }

  static func quote(_ s: String) -> String {
    var out = ByteSink(capacity: s.utf8.count + 2)
    defer { out.deallocate() }
    quote(s, into: &out)
    return String(decoding: out.array(), as: UTF8.self)
  }

  /// `s` as a JSON string: its UTF-8 copied in runs, only `"`, `\` and control characters escaped.
  private static func quote(_ s: String, into out: inout ByteSink) {
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

/// The bytes of a JSON text as it is written: one buffer grown by doubling and appended to in place,
/// without the uniqueness and capacity checks an Array makes at every append (a fifth of writing a
/// served answer was those checks and the generic append).
private struct ByteSink {
  private var base: UnsafeMutablePointer<UInt8>
  private var count = 0
  private var capacity: Int

  init(capacity: Int) {
    self.capacity = max(capacity, 16)
    base = .allocate(capacity: self.capacity)
  }

  /// Room for `n` more bytes.
  private mutating func reserve(_ n: Int) {
    guard count + n > capacity else { return }
    var grown = capacity * 2
    while grown < count + n { grown *= 2 }
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    bigger.initialize(from: base, count: count)
    base.deallocate()
    base = bigger
    capacity = grown
  }

  mutating func append(_ byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  mutating func append(_ byte: UInt8, count n: Int) {
    guard n > 0 else { return }
    reserve(n)
    (base + count).initialize(repeating: byte, count: n)
    count += n
  }

  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    reserve(bytes.count)
    (base + count).initialize(from: source, count: bytes.count)
    count += bytes.count
  }

  mutating func append(_ text: String) {
    if text.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
      var text = text
      text.withUTF8 { append($0) }
    }
  }

  func array() -> [UInt8] {
    Array(UnsafeBufferPointer(start: base, count: count))
  }

  func deallocate() {
    base.deallocate()
  }
}
