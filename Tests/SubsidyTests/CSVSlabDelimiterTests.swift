import Testing
@testable import SubsidyIO

/// The field splitter's word-at-a-time search for the next `,` or line feed finds exactly what a
/// byte-by-byte search finds, at every offset, among multi-byte characters and bytes one away from
/// the delimiters.
@Suite struct CSVSlabDelimiterTests {
  @Test func findsWhatAByteByByteSearchFinds() {
    var random = SystemRandomNumberGenerator()
    // Delimiters, their neighbours (`+`, `-`, tab, CR), UTF-8 of 李 and high bytes, letters.
    let alphabet: [UInt8] = [0x2C, 0x0A, 0x2B, 0x2D, 0x0B, 0x09, 0x0D, 0xE6, 0x9D, 0x8E, 0xAC, 0x8A, 0x41, 0x7A, 0x30, 0x00, 0xFF]
    for _ in 0..<2_000 {
      let count = Int.random(in: 0..<40, using: &random)
      let density = Int.random(in: 1...20, using: &random)
      let bytes: [UInt8] = (0..<count).map { _ in
        Int.random(in: 0..<density, using: &random) == 0 ? alphabet[Int.random(in: 0..<2, using: &random)]
          : alphabet[Int.random(in: 2..<alphabet.count, using: &random)]
      }
      bytes.withUnsafeBufferPointer { b in
        for start in 0...count {
          var expected = start
          while expected < count, b[expected] != 0x2C, b[expected] != 0x0A { expected += 1 }
          #expect(CSVSlab.nextDelimiter(b, from: start) == expected, "\(bytes) from \(start)")
        }
      }
    }
  }
}
