import Foundation
import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues
import SubsidyKit
import Testing

/// One decoder for every reader: a value means the same in YAML facts, JSON, JSON Lines and CSV.
/// Before, CSV accepted `TRUE` and YAML refused it; each format had its own copy of the rules.
@Suite struct FieldDecoderTests {
  static let schema: FactSchema = {
    let (program, _) = Subsidy.compile(Paths.policies)
    return program!.schema
  }()

  static func decode(_ text: String, _ type: FieldType) -> FieldDecoder.Outcome {
    FieldDecoder(schema: schema).decode(text, FieldDecoder(schema: schema).spec(type: type))
  }

  @Test(arguments: ["true", "True", "TRUE"]) func booleanSpellingsOfYAMLCoreAreTrue(_ s: String) {
    guard case .value(.bool(true)) = Self.decode(s, .bool) else { Issue.record("\(s) is not true"); return }
  }

  @Test(arguments: ["tRuE", "yes", "1", "on"]) func otherSpellingsAreRefused(_ s: String) {
    guard case .bad(let p) = Self.decode(s, .bool) else { Issue.record("\(s) accepted"); return }
    #expect(p.message.contains("true or false"))
  }

  @Test func yamlAndCSVAgreeOnEveryValue() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // (column in the CSV, key in YAML, value, accepted?)
    let cases: [(String, String, String, Bool)] = [
      ("organized", "organized", "TRUE", true), ("organized", "organized", "False", true), ("organized", "organized", "tRuE", false),
      ("transport_cost", "transport_cost", "350.5", true), ("transport_cost", "transport_cost", "-1", false),
      ("transport_cost", "transport_cost", "1e3", false), ("contract_months", "contract_months", "12.5", false),
      ("end", "end", "2023-02-30", false), ("destination", "destination", "35098", false),
    ]
    let (program, _) = Subsidy.compile(Paths.policies)
    for (n, (column, key, value, accepted)) in cases.enumerated() {
      let yaml = """
        as_of: 2024-06-30
        people:
          - {id: P1, hukou: "433122", poverty_status: registered_poor}
        dispatches:
          - {id: D1, person: P1, destination: "350981", start: 2023-01-15, \(key): \(value)}
        """
      let file = try write(yaml, to: dir, "case\(n).yaml")
      var d = DiagnosticBag()
      let loaded = Subsidy.loadFacts(file, program: program!, into: &d) != nil
      var row = BatchIdentityTests.row("DEC-\(n)", person: "DEC-P\(n)", idNumber: BatchIdentityTests.numberA)
      row["start"] = "2023-01-15"
      row[column] = value
      let csv = try write(TestCSV.line(BatchFixtures.columns) + "\n" + row.csv() + "\n", to: dir, "case\(n).csv")
      let run = try runBatch(csv, asOf: "2024-06-30", in: dir)
      #expect(loaded == accepted, "YAML \(key): \(value): \(d.diagnostics.map(\.message))")
      #expect((run.rowsRejected == 0) == accepted, "CSV \(column): \(value): \(run.rejectsText)")
    }
  }

  @Test func theIDNumberCheckIsIDNumbersOnBytesAndText() throws {
    let good = "533123199804010018"
    var bytes = Array(good.utf8)
    let viaBytes = bytes.withUnsafeMutableBufferPointer { IDNumber.validate(utf8: UnsafeBufferPointer($0)) }
    #expect(try viaBytes.get() == IDNumber.validate(good).get())
    bytes[17] = UInt8(ascii: "9")
    let bad = bytes.withUnsafeMutableBufferPointer { IDNumber.validate(utf8: UnsafeBufferPointer($0)) }
    #expect(bad == .failure(.checksumMismatch(expected: "8", got: "9")))
  }

  @Test func aBirthDateAfterTheDateJudgedOnIsRefused() {
    let decoder = FieldDecoder(schema: Self.schema)
    let spec = decoder.spec(type: .idNumber)
    guard case .bad(let p) = decoder.decode("533123203001010013", spec, asOf: CivilDate(year: 2024, month: 6, day: 30)!) else {
      Issue.record("a person born in 2030 was accepted")
      return
    }
    #expect(p.message.contains("later than the date judged on"))
    guard case .value = decoder.decode("533123203001010013", spec, asOf: CivilDate(year: 2031, month: 1, day: 1)!) else {
      Issue.record("refused although born before the date judged on")
      return
    }
  }
}
