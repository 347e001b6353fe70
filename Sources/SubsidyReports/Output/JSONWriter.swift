/// JSON text written as it is produced, straight into one byte buffer: the one serialiser of the
/// product's JSON (`JSON` values are written through it too).
///
/// A served `POST /v1/eval` answer (38 results, 58 KB) used to be built as a `JSON` tree first: some
/// two thousand strings, arrays and pairs allocated, reference counted, walked once and freed, a
/// fifth of the server's CPU. Writers that know their keys (`ResultJSON`, `ResultWords`) write
/// through this instead, and what is written is byte for byte what the tree would have been.
///
/// Commas, line breaks and indentation (two spaces per level, when `pretty`) are the writer's
/// business: a caller says `key`, then the value, and opens and closes containers.
public struct JSONWriter: ~Copyable {
  private var sink: ByteSink
  private let pretty: Bool
  /// The nesting depth of the container being written (the indentation of its closing bracket).
  private var depth: Int
  /// Per open container, one bit (the innermost is bit 0): whether it has an element yet (the next
  /// one needs a comma). Containers deeper than 64 keep the bits pushed out in `deeper`.
  private var started: UInt64 = 0
  private var containers = 0
  private var deeper: [Bool] = []

  /// `indent` is the level the first value is written at; `capacity` the buffer's first size (an
  /// answer that fits is written without the buffer being moved).
  public init(pretty: Bool = true, indent: Int = 0, capacity: Int = 16 * 1024) {
    sink = ByteSink(capacity: capacity)
    self.pretty = pretty
    depth = indent
  }

  deinit { sink.deallocate() }

  // MARK: Containers

  public mutating func beginObject() { open(UInt8(ascii: "{")) }
  public mutating func endObject() { close(UInt8(ascii: "}")) }
  public mutating func beginArray() { open(UInt8(ascii: "[")) }
  public mutating func endArray() { close(UInt8(ascii: "]")) }

  /// A key of the open object, for a key the program spells (no escaping needed: checked in debug).
  public mutating func key(_ name: StaticString) {
    element()
    sink.append(UInt8(ascii: "\""))
    name.withUTF8Buffer { bytes in
      assert(!bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
      sink.append(bytes)
    }
    afterKey()
  }

  /// A key of the open object taken from data (escaped as any string).
  public mutating func key(_ name: String) {
    element()
    JSON.quote(name, into: &sink)
    afterKey()
  }

  // MARK: Values

  public mutating func string(_ s: String) {
    element()
    JSON.quote(s, into: &sink)
  }

  public mutating func string(_ s: String?) {
    if let s { string(s) } else { null() }
  }

  /// Text the program spells (a status, a currency): written without a String made or escaped.
  public mutating func string(_ s: StaticString) {
    element()
    sink.append(UInt8(ascii: "\""))
    s.withUTF8Buffer { sink.append($0) }
    sink.append(UInt8(ascii: "\""))
  }

  public mutating func bool(_ b: Bool) {
    element()
    sink.append(b ? "true" : "false")
  }

  public mutating func null() {
    element()
    sink.append("null")
  }

  /// A number written as given.
  public mutating func number(_ n: String) {
    element()
    sink.append(n)
  }

  /// A `JSON` value, written in place (its arrays are read through their buffers, nothing copied).
  public mutating func value(_ json: JSON) {
    switch json {
    case .string(let s): string(s)
    case .number(let n): number(n)
    case .bool(let b): bool(b)
    case .null: null()
    case .raw(let text):
      element()
      sink.append(text)
    case .array(let items):
      beginArray()
      items.withUnsafeBufferPointer { items in
        for item in items { value(item) }
      }
      endArray()
    case .object(let pairs):
      beginObject()
      pairs.withUnsafeBufferPointer { pairs in
        for pair in pairs {
          key(pair.0)
          value(pair.1)
        }
      }
      endObject()
    }
  }

  // MARK: Result

  /// The text written so far, as an array.
  public func bytes() -> [UInt8] { sink.array() }

  /// The text written so far, lent in place and writable (to be masked, then copied once into the
  /// server's buffer): no array is made of it.
  public mutating func withBytes<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try sink.withBytes(body)
  }

  public mutating func append(raw byte: UInt8) { sink.append(byte) }

  // MARK: Layout

  /// Whether the value about to be written follows a key (and so needs no comma or line of its own).
  private var afterKeyPending = false

  private mutating func afterKey() {
    sink.append(UInt8(ascii: ":"))
    if pretty { sink.append(UInt8(ascii: " ")) }
    afterKeyPending = true
  }

  /// Before an element: the comma after the previous one, and its own line when pretty. A value
  /// written just after its key needs neither.
  @inline(__always)
  private mutating func element() {
    if afterKeyPending {
      afterKeyPending = false
      return
    }
    guard containers > 0 else { return }  // the top-level value
    if started & 1 != 0 { sink.append(UInt8(ascii: ",")) }
    started |= 1
    newline(depth)
  }

  private mutating func open(_ bracket: UInt8) {
    element()
    sink.append(bracket)
    if containers >= 64 { deeper.append(started >> 63 != 0) }
    started <<= 1
    containers += 1
    depth += 1
  }

  private mutating func close(_ bracket: UInt8) {
    depth -= 1
    let hadElements = started & 1 != 0
    started >>= 1
    containers -= 1
    if containers >= 64, deeper.removeLast() { started |= 1 << 63 }
    if hadElements { newline(depth) }
    sink.append(bracket)
  }

  @inline(__always)
  private mutating func newline(_ level: Int) {
    guard pretty else { return }
    sink.append(UInt8(ascii: "\n"))
    sink.append(UInt8(ascii: " "), count: 2 * level)
  }
}
