/// The bytes of a JSON text as it is written: one buffer grown by doubling and appended to in place,
/// without the uniqueness and capacity checks an Array makes at every append (a fifth of writing a
/// served answer was those checks and the generic append).
struct ByteSink {
  private var base: UnsafeMutablePointer<UInt8>
  private var count = 0
  private var capacity: Int

  init(capacity: Int) {
    self.capacity = max(capacity, 16)
    base = .allocate(capacity: self.capacity)
  }

  /// Room for `n` more bytes: the check inlined at every append, the growth out of line.
  @inline(__always)
  private mutating func reserve(_ n: Int) {
    if count + n > capacity { grow(n) }
  }

  @inline(never)
  private mutating func grow(_ n: Int) {
    var grown = capacity * 2
    while grown < count + n { grown *= 2 }
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    bigger.initialize(from: base, count: count)
    base.deallocate()
    base = bigger
    capacity = grown
  }

  @inline(__always)
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

  /// The bytes written, lent in place (writable: a server masks them before sending).
  mutating func withBytes<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try body(UnsafeMutableBufferPointer(start: base, count: count))
  }

  func array() -> [UInt8] {
    Array(UnsafeBufferPointer(start: base, count: count))
  }

  func deallocate() {
    base.deallocate()
  }
}
