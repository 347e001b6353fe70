import PolicyCheck
import PolicyValues

/// `ValueText` written straight into bytes, for the group rules' hot loops: a member's key and each
/// distinct value are found by their identity text, and making that text a `String` per member (by
/// string interpolation) was most of what accumulating a group cost. The bytes are exactly the UTF-8
/// of `identity(facts.canonical(value))`, so a group keeps the key it had, on disk too.
extension ValueText {
  /// Appends the identity text of `facts.canonical(value)` to `bytes`: an entity as its id (entity
  /// indices are a chunk's own; ids mean the same in every chunk). Returns false when the value holds
  /// a string that is not ASCII: its `encode` text (the characters as given) may then differ from
  /// its identity text (NFC), and a key must keep the former to be decoded.
  @discardableResult
  package static func appendIdentity(_ value: Value, of facts: Facts, to bytes: inout [UInt8]) -> Bool {
    switch value {
    case .null: bytes.append(UInt8(ascii: "-"))
    case .bool(let b): bytes.append(UInt8(ascii: b ? "t" : "f"))
    case .number(let n): appendTagged(UInt8(ascii: "n"), n.raw, to: &bytes)
    case .date(let d): appendTagged(UInt8(ascii: "d"), Int64(d.packedValue), to: &bytes)
    case .string(let s): return appendString(s, to: &bytes)
    case .code(let c): appendTagged(UInt8(ascii: "c"), Int64(c.value), to: &bytes)
    case .enumCase(let i): appendTagged(UInt8(ascii: "e"), Int64(i), to: &bytes)
    case .entity(let kind, let index):
      if let id = facts.id(of: value) { return appendString(id, to: &bytes) }
      bytes.append(UInt8(ascii: "E"))
      appendDecimal(Int64(kind), to: &bytes)
      bytes.append(UInt8(ascii: ","))
      appendDecimal(Int64(index), to: &bytes)
      bytes.append(UInt8(ascii: ";"))
    case .list, .duration, .undetermined:
      // Rare in a key or a distinct value: written through the text form.
      let text = identity(value)
      bytes.append(contentsOf: text.utf8)
      // Byte for byte: `String ==` deems canonically equivalent text equal, and the key is then
      // decoded from its normalised bytes rather than the characters its first member gave.
      return text.utf8.elementsEqual(encode(value).utf8)
    }
    return true
  }

  /// `s<length>:<bytes>`, the string in NFC when it is not ASCII (as `identity` writes it).
  private static func appendString(_ s: String, to bytes: inout [UInt8]) -> Bool {
    let ascii = s.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
      guard utf8.allSatisfy({ $0 < 0x80 }) else { return false }
      bytes.append(UInt8(ascii: "s"))
      appendDecimal(Int64(utf8.count), to: &bytes)
      bytes.append(UInt8(ascii: ":"))
      bytes.append(contentsOf: utf8)
      return true
    }
    if ascii == true { return true }
    let normal = nfc(s)
    bytes.append(UInt8(ascii: "s"))
    appendDecimal(Int64(normal.utf8.count), to: &bytes)
    bytes.append(UInt8(ascii: ":"))
    bytes.append(contentsOf: normal.utf8)
    // Not ASCII as given, whatever its NFC is (the Kelvin sign's is `K`): the key keeps its own text.
    return false
  }

  /// `<tag><n>;`.
  private static func appendTagged(_ tag: UInt8, _ n: Int64, to bytes: inout [UInt8]) {
    bytes.append(tag)
    appendDecimal(n, to: &bytes)
    bytes.append(UInt8(ascii: ";"))
  }

  /// `n` in decimal, as `String(n)` writes it.
  static func appendDecimal(_ n: Int64, to bytes: inout [UInt8]) {
    if n < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = n.magnitude
    // At most 20 digits, written backwards into a tuple on the stack.
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
    }
  }

  /// The values of a key's text given as UTF-8 bytes; nil when they are not a text `encode` wrote.
  package static func decode(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [Value]? {
    var reader = Reader(bytes: bytes)
    var values: [Value] = []
    while !reader.atEnd {
      guard let value = reader.value() else { return nil }
      values.append(value)
    }
    return values
  }
}
