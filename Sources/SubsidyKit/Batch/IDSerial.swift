import Foundation

/// An id read as a family and a serial number: `D00000123` is serial 123 of the family ("D",
/// 8 digits). The text before the id's trailing digits is its prefix, and how many digits there are
/// is part of the family, so the id is exactly its prefix followed by its number padded with zeros to
/// the width: two different ids never read as the same family and number.
///
/// Exports number their dispatches and people in order, so the batch's registries hold such ids by
/// serial (`DispatchSerialRanges`, `SerialValues`) rather than by fingerprint. Worked out on the
/// worker threads, beside the id's fingerprint. Nil for an id that does not end in a digit, or ends
/// in more than 18 (those are told apart by their fingerprints alone).
struct IDSerial: Sendable {
  var prefix: String
  var width: Int
  var number: UInt64
  /// The family in one word when the prefix is at most six bytes (its bytes, its length and the
  /// width): two such ids are of one family exactly when their words are equal, which the registries
  /// ask for every row (comparing the prefixes' bytes cost a call a row). Nil for a longer prefix.
  var familyWord: UInt64?

  init?(_ id: String) {
    var text = id
    guard let serial = text.withUTF8({ IDSerial(utf8: $0) }) else { return nil }
    self = serial
  }

  /// The id given as its UTF-8 bytes.
  init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
    // On the id's bytes in place: through the `utf8` view (reversed, then a prefix copied into a new
    // string) it cost 50 ns an id, a twentieth of the workers' time outside decoding.
    guard let (prefix, width, number, word) = { () -> (String, Int, UInt64, UInt64?)? in
      var digits = 0
      var number: UInt64 = 0
      var scale: UInt64 = 1
      var i = bytes.count
      while i > 0 {
        let byte = bytes[i - 1]
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
        guard digits < 18 else { return nil }
        number += UInt64(byte - UInt8(ascii: "0")) * scale
        scale &*= 10
        digits += 1
        i -= 1
      }
      guard digits > 0 else { return nil }
      var word: UInt64?
      if i <= 6 {
        var w = UInt64(i) << 48 | UInt64(digits) << 56
        for k in 0..<i { w |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        word = w
      }
      return (String(decoding: UnsafeBufferPointer(rebasing: bytes[..<i]), as: UTF8.self), digits, number, word)
    }() else { return nil }
    self.prefix = prefix
    self.width = width
    self.number = number
    self.familyWord = word
  }

  /// Whether two prefixes are the same bytes: the registries compare ids as the fingerprints do, byte
  /// for byte (`String`'s `==` deems canonically equivalent text equal: `é` and `e` + U+0301). Through
  /// the strings' own storage, not the `utf8` view's iterator: asked for every row.
  @inline(__always)
  static func sameBytes(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
  }

  /// The 64-bit FNV-1a fingerprints of a family's ids, from their serials, without making their text:
  /// what `DispatchIDRegistry.fingerprint` (seed 0) or `IdentityRegistry.fingerprint` (the entity
  /// kind as seed) gives for the id, for a family whose ids move from serials to fingerprints.
  struct Fingerprints {
    private let head: UInt64
    private let width: Int

    init(prefix: String, width: Int, seed: UInt64) {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
      for byte in prefix.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
      }
      head = hash
      self.width = width
    }

    func of(_ serial: UInt64) -> UInt64 {
      // The digits, most significant first, zero-padded to the width.
      var divisor: UInt64 = 1
      for _ in 1..<width { divisor &*= 10 }
      var hash = head
      var rest = serial
      for _ in 0..<width {
        let digit = rest / divisor
        rest -= digit * divisor
        divisor /= 10
        hash ^= UInt64(UInt8(ascii: "0")) + digit
        hash = hash &* 0x100_0000_01b3
      }
      return hash
    }
  }
}
