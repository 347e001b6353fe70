import Foundation
import PolicyCheck
@testable import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyIO
@testable import SubsidyKit
import SubsidySynthetic
import Testing

/// The row decoder's column path (`RowDecoder.Columnar`: fixed-width cells decoded a column at a time
/// before the row loop) against its row path: on generated files with bad rows, on the hostile rows of
/// `FactsDraftTests` and on hand-made ones, every chunk decodes to the same tables (ids, index, every
/// column's values and states), the same lines and the same rejects, word for word.
@Suite struct RowDecoderColumnsTests {
  static let schema = FactsDraftTests.schema
  static let asOf = CivilDate(year: 2025, month: 6, day: 30)!

  /// Each difference between two decodings of one chunk, in words.
  static func differences(_ a: RowDecoder.Decoded, _ b: RowDecoder.Decoded) -> [String] {
    var out: [String] = []
    if a.lines != b.lines { out.append("lines \(a.lines.count) against \(b.lines.count)") }
    if a.firstLines != b.firstLines { out.append("first lines differ") }
    if a.rejects.count != b.rejects.count { out.append("\(a.rejects.count) rejects against \(b.rejects.count)") }
    for (x, y) in zip(a.rejects, b.rejects) where x.line != y.line || x.column != y.column || x.value != y.value || x.reason != y.reason {
      out.append("reject line \(x.line) \(x.column) `\(x.value)` \(x.reason) against line \(y.line) \(y.column) `\(y.value)` \(y.reason)")
    }
    for (t, (p, q)) in zip(a.facts.tables, b.facts.tables).enumerated() {
      if p.ids != q.ids { out.append("table \(t): ids differ") }
      for id in p.ids where p.index[id] != q.index[id] { out.append("table \(t): `\(id)` at \(p.index[id] ?? -1) against \(q.index[id] ?? -1)") }
      for (slot, (x, y)) in zip(p.columns, q.columns).enumerated()
      where x.codec != y.codec || x.values != y.values || x.states != y.states || x.boxed != y.boxed {
        let first = (0..<min(x.count, y.count)).first { x[$0] != y[$0] }
        out.append("table \(t) slot \(slot): \(x.codec) \(x.count) records against \(y.codec) \(y.count), first differing record \(first ?? -1)")
      }
    }
    return out
  }

  /// Decodes the file's chunks with the row path and with the column path (the default roles, and
  /// every role); any difference is an issue. Returns the records kept and rows rejected.
  @discardableResult
  static func compare(file: String, chunkRows: Int) throws -> (kept: Int, rejected: Int) {
    let header: [String] = try {
      let reader = try CSVReader(path: file)
      let chunk = try #require(try reader.next(maxRecords: 1))
      return (0..<chunk.fieldCount(0)).map { chunk.string(0, $0) }
    }()
    var d = DiagnosticBag()
    let plan = try #require(ColumnPlan.make(header: header, schema: schema, file: file, into: &d))
    let rows = RowDecoder(schema: schema, plan: plan, showPII: false, columnar: .none)
    let columns = [RowDecoder(schema: schema, plan: plan, showPII: false), RowDecoder(schema: schema, plan: plan, showPII: false, columnar: .all)]
    #expect(rows.blockCells == 0 && columns.allSatisfy { $0.blockCells >= 10 })
    let reader = try CSVReader(path: file)
    _ = try reader.next(maxRecords: 1)
    var kept = 0, rejected = 0
    while let chunk = try reader.next(maxRecords: chunkRows) {
      let reference = rows.decode(chunk, asOf: asOf)
      kept += reference.lines.count
      rejected += reference.rejects.count
      for (i, decoder) in columns.enumerated() {
        for difference in differences(decoder.decode(chunk, asOf: asOf), reference) {
          Issue.record("chunk at line \(chunk.lines.first ?? 0), column path \(i): \(difference)")
        }
      }
    }
    return (kept, rejected)
  }

  @Test(arguments: [(seed: 3, chunkRows: 1_024), (seed: 11, chunkRows: 97)])
  func generatedFileWithBadRows(seed: UInt64, chunkRows: Int) throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("generated.csv").path
    var text = ""
    SyntheticPopulation(seed: seed, badRowRate: 0.05).writeCSV(rows: 3_000, to: &text)
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    let (kept, rejected) = try Self.compare(file: file, chunkRows: chunkRows)
    #expect(kept > 2_500 && rejected > 50, "kept \(kept), rejected \(rejected)")
  }

  @Test(arguments: [5, 6, 7, 8])
  func hostileRows(seed: UInt64) throws {
    var random = FactsDraftTests.Random(state: seed)
    let rows = FactsDraftTests.rows(&random)
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("rows.csv").path
    try ([FactsDraftTests.header] + rows).map { $0.joined(separator: ",") + "\n" }.joined().write(toFile: file, atomically: true, encoding: .utf8)
    let (kept, rejected) = try Self.compare(file: file, chunkRows: seed % 2 == 0 ? 128 : 701)
    #expect(kept > 100 && rejected > 100, "kept \(kept), rejected \(rejected)")
  }

  /// Rows written to break one thing each: bad and impossible dates, an end before its start, empty
  /// required cells (blank or spaces), a quoted cell holding `""` in a fixed-width column, a person
  /// repeated with other cells, a dispatch id repeated after the row that first had it was rejected,
  /// a bound crossed, and good rows between them.
  @Test func handMadeRows() throws {
    let header = FactsDraftTests.header
    let good = [
      "D1", "P1", "王一", FactsDraftTests.idNumber("53312319850101001"), "533123", "none", "false", "false", "H1", "4", "15884.00", "2021",
      "O1", "public_employment_service", "533123", "false", "", "E1", "enterprise", "440305", "440305", "true", "2024-07-20", "", "false", "",
      "false", "false", "1367.50", "organized_export_roster;employment_proof",
    ]
    func row(_ id: String, person: String = "P1", _ changes: [String: String] = [:]) -> [String] {
      var cells = good
      cells[0] = id
      cells[1] = person
      for (name, value) in changes { cells[header.firstIndex(of: name)!] = value }
      return cells
    }
    let rows: [[String]] = [
      row("D1"),
      row("D2", person: "P2", ["start": "2024-02-30"]),
      row("D3", person: "P3", ["start": "2024/02/01"]),
      row("D4", person: "P4", ["end": "2024-07-19"]),
      row("D5", person: "P5", ["start": ""]),
      row("D6", person: "P6", ["destination": "   "]),
      row("D7", person: "P7", ["person_hukou": ""]),
      row("D8", person: "P1", ["person_hukou": "440305"]),
      row("D9", person: "P1", ["person_relocated": "maybe"]),
      row("D10", person: "P8", ["contract_months": "601"]),
      row("D10", person: "P9"),
      row("D11", person: "P10", ["organized": "\"tr\"\"ue\""]),
      row("D12", person: "P11", ["organized": "\"true\"", "transport_cost": "\" 12.5 \""]),
      row("D13", person: "P12", ["household_members": "0"]),
      row("D14", person: "P13", ["household_id": "H2", "household_members": "\"3\""]),
      row("D15", person: "P14", ["household_id": "H2", "household_members": "5"]),
      row("D16", person: "P15", ["evidence": "employment_proof;nonsense"]),
      row("D17", person: "P16", ["evidence": "", "end": "2024-07-20", "organized": "TRUE"]),
      row("D18", person: "P17", ["start": "2024-07-21", "end": "2024-07-20", "contract": "yes"]),
      row("D19", person: "P18", ["person_poverty_status": "registered_poor", "start": "2024-13-01"]),
      row("D2", person: "P19"),
      row("D20", person: "P2"),
      row("D21", person: "P20", ["organizer_kind": "nope", "start": "bad"]),
      row("D22", person: "P21", ["household_id": "H3", "household_income_year": "1900", "start": ""]),
      row("D23", person: "P22", ["transport_cost": "-0.01"]),
    ]
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("hand.csv").path
    try ([header] + rows).map { $0.joined(separator: ",") + "\n" }.joined().write(toFile: file, atomically: true, encoding: .utf8)
    for chunkRows in [1, 5, 64] {
      let (kept, rejected) = try Self.compare(file: file, chunkRows: chunkRows)
      #expect(kept >= 6 && rejected >= 15, "kept \(kept), rejected \(rejected)")
    }
  }
}
