@testable import SubsidyIO
import Testing

/// The one-pass check of a chunk's bytes (UTF-8, and no control character a cell may not hold) answers
/// as the standard library's validation and a byte-by-byte look for control characters do, on
/// exports (ASCII, Chinese, line ends) and on bytes chosen to break it: every kind of ill-formed
/// sequence, cut at the end, at every offset against the eight-byte words it reads.
@Suite struct CSVChunkScanTests {
  static func reference(_ bytes: [UInt8]) -> (utf8: Bool, control: Bool) {
    (String(validating: bytes, as: UTF8.self) != nil, bytes.contains(where: CSVChunk.isForbiddenByte))
  }

  static func scan(_ bytes: [UInt8]) -> (utf8: Bool, control: Bool) { bytes.withUnsafeBufferPointer(CSVChunk.scan) }

  @Test func agreesWithTheStandardLibraryOnPiecesAtEveryOffset() {
    let pieces: [[UInt8]] = [
      Array("D00000001,P00000001,线华琴,533123196501010009,2024-07-20\r\n".utf8), Array("\t".utf8), [0x0A], [0x0D],
      [0x00], [0x1F], [0x7F], [0x20], [0x7E], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xDF, 0xBF],
      [0xE0, 0x80, 0x80], [0xE0, 0xA0, 0x80], [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEF, 0xBF, 0xBF],
      [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
      [0xFF], [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xB0, 0xA1, 0xC0, 0xEB],  // cut sequences, GBK's 啊
      Array("𝄞€é".utf8),
    ]
    var state: UInt64 = 3
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    for _ in 0..<20_000 {
      var bytes: [UInt8] = Array(repeating: UInt8(ascii: "a"), count: next(9))  // every offset against the words
      for _ in 0..<next(6) {
        // Mostly clean text, so the bad piece sits among words that pass whole.
        bytes += next(3) == 0 ? pieces[next(pieces.count)] : pieces[0]
      }
      let expected = Self.reference(bytes)
      let got = Self.scan(bytes)
      #expect(got.utf8 == expected.utf8 && got.control == expected.control, "\(bytes)")
    }
  }

  @Test func everyByteAloneAndInAWord() {
    for byte in UInt8.min...UInt8.max {
      for bytes in [[byte], Array(repeating: UInt8(ascii: "x"), count: 7) + [byte] + Array(repeating: UInt8(ascii: "y"), count: 8)] {
        let expected = Self.reference(bytes)
        let got = Self.scan(bytes)
        #expect(got.utf8 == expected.utf8 && got.control == expected.control, "byte \(byte)")
      }
    }
  }
}
