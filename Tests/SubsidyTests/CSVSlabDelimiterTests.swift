import Testing
import PolicySupport
@testable import SubsidyIO

/// The splitters' word-at-a-time test for commas, line feeds and list semicolons marks exactly the bytes a
/// byte-by-byte comparison marks, and no other: every cell is cut at a marked byte, so a false mark
/// (a byte one above a delimiter, a multi-byte character's byte) would split a cell in two.
@Suite struct CSVSlabDelimiterTests {
  static func marks(_ bytes: [UInt8], _ delimiter: UInt8) -> UInt64 {
    var word: UInt64 = 0
    for (i, byte) in bytes.enumerated() { word |= UInt64(byte) << (8 * UInt64(i)) }
    return ByteSearch.zeroBytes(word ^ (0x0101_0101_0101_0101 &* UInt64(delimiter)))
  }

  @Test func marksWhatAByteByByteComparisonMarks() {
    var random = SystemRandomNumberGenerator()
    // Delimiters, their neighbours (`+`, `-`, tab, CR, 0x0B, 0x2D after 0x2C, `;` 0x3B and `<` 0x3C), UTF-8 of 李 and high bytes, letters, NUL.
    let alphabet: [UInt8] = [0x3B, 0x3C, 0x2C, 0x0A, 0x2B, 0x2D, 0x0B, 0x09, 0x0D, 0xE6, 0x9D, 0x8E, 0xAC, 0x8A, 0x41, 0x7A, 0x30, 0x00, 0xFF, 0x80, 0x7F]
    for _ in 0..<20_000 {
      let bytes: [UInt8] = (0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }
      for delimiter in [UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: ";")] {
        var expected: UInt64 = 0
        for (i, byte) in bytes.enumerated() where byte == delimiter { expected |= 0x80 << (8 * UInt64(i)) }
        #expect(Self.marks(bytes, delimiter) == expected, "\(bytes)")
      }
    }
  }

  @Test func everyByteNextToADelimiter() {
    for byte in UInt8.min...UInt8.max {
      for delimiter in [UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: ";")] {
        let bytes = [delimiter, byte, delimiter, byte, byte, delimiter, delimiter, byte]
        var expected: UInt64 = 0
        for (i, b) in bytes.enumerated() where b == delimiter { expected |= 0x80 << (8 * UInt64(i)) }
        #expect(Self.marks(bytes, delimiter) == expected, "byte \(byte)")
      }
    }
  }
}
