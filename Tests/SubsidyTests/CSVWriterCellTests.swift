import Foundation
@testable import SubsidyIO
import Testing

/// A record written cell by cell (`CSVWriter.cell`, `endRecord`: the payouts file) is byte for byte
/// the record `row` writes, for cells that need quoting, neutralising or nothing.
@Suite struct CSVWriterCellTests {
  @Test func cellByCellEqualsARow() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let records: [[String]] = [
      ["policy", "rule", "clause"],
      ["a,b", "say \"hi\"", "line\nbreak", "cr\r", "=HYPERLINK(1)", "-200.00", "+x", "@a", "\tx", ""],
      ["第二十条", "", "", "县级财政资金（整合1000万元）"],
      [""],
    ]
    func written(_ write: (inout CSVWriter) throws -> Void) throws -> String {
      let path = dir.appendingPathComponent(UUID().uuidString).path
      let file = try OutputFile(path)
      var out = CSVWriter(file: file, excelBOM: false)
      try write(&out)
      try out.flush()
      try file.commit()
      return try String(contentsOfFile: path, encoding: .utf8)
    }
    let byRow = try written { out in for record in records { try out.row(record) } }
    let byCell = try written { out in
      for record in records {
        for cell in record { out.cell(cell) }
        try out.endRecord()
      }
    }
    #expect(byCell == byRow)
    #expect(byRow.contains("\"a,b\",\"say \"\"hi\"\"\""))
  }
}
