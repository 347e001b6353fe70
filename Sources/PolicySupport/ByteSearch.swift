#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a text holds a given byte, read in place with `memchr`: the checks every document passes
/// before it is parsed (a NUL, an alias's `*`) went through the generic UTF-8 or scalar views a byte
/// at a time, a fiftieth of a served request.
public enum ByteSearch {
  /// Whether `text`'s UTF-8 holds `byte` (an ASCII byte is found only where the character is, as
  /// every byte of a multi-byte character is 0x80 or above).
  public static func contains(_ text: String, _ byte: UInt8) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
      guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
      return memchr(base, Int32(byte), bytes.count) != nil
    }
  }

  /// A bit set at the top of each zero byte of `v`, and none elsewhere, exactly (no borrow from one
  /// byte into the next, as the `(v - 0x01…) & ~v` form has): with `v` a word of text XOR a byte
  /// repeated eight times, the places of that byte in the word. The splitters that read eight bytes at
  /// a time (CSV records, list cells) find their separators with it.
  @inline(__always)
  public static func zeroBytes(_ v: UInt64) -> UInt64 {
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    return ~(((v & low7) &+ low7) | v | low7)
  }
}
