import Foundation
import SubsidyKit
import Testing

/// `CSVReader(bytes:blockSize:)`, the reader the fuzz target drives: the same records, fields and
/// lines as reading the file, whatever the block size (records cut at every possible place).
@Suite struct CSVReaderBlockTests {
  static let fixtures = ["mixed.csv", "quoted.csv", "pii.csv", "shared.csv"]

  func records(_ reader: CSVReader, chunk: Int) throws -> [(line: Int, fields: [String])] {
    var out: [(line: Int, fields: [String])] = []
    while let c = try reader.next(maxRecords: chunk) {
      for r in 0..<c.count { out.append((c.lines[r], (0..<c.fieldCount(r)).map { c.string(r, $0) })) }
    }
    return out
  }

  @Test(arguments: fixtures)
  func smallBlocksReadTheSameRecordsAsTheFile(_ name: String) throws {
    let path = BatchFixtures.path(name)
    let expected = try records(CSVReader(path: path), chunk: 4_096)
    #expect(expected.count > 1)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    for blockSize in [1, 2, 3, 7, 16, 61, 113] {
      let got = try records(CSVReader(bytes: bytes, blockSize: blockSize), chunk: 3)
      #expect(got.map(\.line) == expected.map(\.line), "\(name), block \(blockSize)")
      #expect(got.map(\.fields) == expected.map(\.fields), "\(name), block \(blockSize)")
    }
  }
}
