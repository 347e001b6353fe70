import Foundation
import PolicyValues
import Testing

/// An ID number (身份证号) is never printed in full unless `--show-pii`: not in a diagnostic's quoted
/// source line, not where a rule reads `person.id_number`, not when a `person_id` is itself an ID number.
@Suite struct PIITests {
  static let number = "533123199804010018"
  static let masked = "533123********0018"

  /// The shipped schema plus a policy whose one condition reads `person.id_number`.
  static func policyDirectory(in dir: URL) throws -> String {
    let pol = dir.appendingPathComponent("pol")
    try FileManager.default.createDirectory(at: pol, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Paths.policies + "/facts.schema.yaml", toPath: pol.appendingPathComponent("facts.schema.yaml").path)
    let policy = """
      id: idcheck
      title: 身份证号检查
      document: {issuer: 测试, number: null, date: 2023-08-24, source: none}
      jurisdiction: "533123"
      effective: {from: 2023-08-24, until: null}
      rules:
        - id: needs-id-number
          clause: 一
          text: 须有身份证号。
          kind: payment
          about: dispatch
          payee: organizer
          beneficiary: person
          when:
            - person.id_number != "000000000000000000"
          amount: 100
          funding: 测试
      """
    try Data(policy.utf8).write(to: pol.appendingPathComponent("idcheck.yaml"))
    return pol.path
  }

  static let facts = """
    as_of: 2024-06-30
    people:
      - {id: "\(number)", hukou: "533123", id_number: "\(number)", poverty_status: alleviated}
    organizations:
      - {id: O1, kind: hr_service_agency, location: "533123"}
    dispatches:
      - {id: D1, person: "\(number)", organizer: O1, destination: "350981", start: 2023-09-15}
    """

  @Test func anEvalErrorDoesNotQuoteTheIDNumberInItsSourceLine() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try write("""
      as_of: 2024-06-30
      people:
        - {id: P1, hukou: "533123", id_number: "\(Self.number)", poverty_status: alleviatd}
        - {id: P2, hukou: "533123", id_number: "53312319980401001", poverty_status: alleviated}
      """, to: dir, "facts.yaml")
    let r = try runCLI(["eval", file])
    #expect(r.status == 1)
    #expect(r.stderr.contains("alleviatd"), "\(r.stderr)")
    #expect(!r.stderr.contains(Self.number), "the full ID number is quoted:\n\(r.stderr)")
    #expect(!r.stderr.contains("53312319980401001"), "a wrong-length number in a pii field is quoted:\n\(r.stderr)")
    #expect(r.stderr.contains(Self.masked))
    let shown = try runCLI(["eval", file, "--show-pii"])
    #expect(shown.stderr.contains(Self.number))
  }

  @Test func evalJSONMasksTheValueARuleReadsFromAPIIField() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let policies = try Self.policyDirectory(in: dir)
    let file = try write(Self.facts, to: dir, "facts.yaml")
    let r = try runCLI(["eval", file, "--policies", policies, "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\"value\": \"\(Self.masked)\""), "\(r.stdout)")
    #expect(!r.stdout.contains(Self.number), "raw ID number in eval JSON:\n\(r.stdout)")
    let text = try runCLI(["eval", file, "--policies", policies])
    #expect(!text.stdout.contains(Self.number), "raw ID number in the report:\n\(text.stdout)")
    let shown = try runCLI(["eval", file, "--policies", policies, "--format", "json", "--show-pii"])
    #expect(shown.stdout.contains("\"value\": \"\(Self.number)\""))
  }

  /// The batch holds an ID number as its digits (`FactColumn.Codec.idNumber`); a rule that reads it
  /// must still see the text: the person whose number the rule names is refused, the other paid, as
  /// `eval` judges the same rows.
  @Test func aBatchRuleReadingAnIDNumberSeesItsText() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let policies = try Self.policyDirectory(in: dir)
    let policy = dir.appendingPathComponent("pol/idcheck.yaml")
    let text = try String(contentsOf: policy, encoding: .utf8).replacingOccurrences(of: "000000000000000000", with: Self.number)
    try Data(text.utf8).write(to: policy)
    let other = BatchFixtures.idNumber("533123", born: "19900101", sequence: 21)
    var lines = [TestCSV.line(BatchFixtures.columns)]
    for (i, number) in [Self.number, other].enumerated() {
      var row = BatchIdentityTests.row("IDR-D\(i)", person: "IDR-P\(i)", idNumber: number)
      row["person_hukou"] = "533123"
      row["organizer_id"] = "IDR-O1"
      row["organizer_kind"] = "hr_service_agency"
      row["organizer_location"] = "533123"
      row["start"] = "2023-09-15"
      lines.append(row.csv())
    }
    let csv = try write(lines.joined(separator: "\n") + "\n", to: dir, "ids.csv")
    let run = try runBatch(csv, asOf: "2024-06-30", ["--policies", policies], in: dir)
    let paid = run.payouts(rule: "needs-id-number").filter { $0["status"] == "payable" }.compactMap { $0["subject"] }
    #expect(paid == ["IDR-D1"], "\(run.payoutsText)\n\(run.rejectsText)")
    #expect(run.rejects.isEmpty, "\(run.rejectsText)")
  }

  @Test func aPersonIDThatIsAnIDNumberIsMaskedInPayoutsAndCompare() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var row = BatchIdentityTests.row("PII-D1", person: Self.number, idNumber: Self.number)
    row["person_hukou"] = "533123"
    row["person_poverty_status"] = "alleviated"
    row["organizer_id"] = "PII-O1"
    row["organizer_kind"] = "hr_service_agency"
    row["organizer_location"] = "533123"
    row["organized"] = "true"
    row["start"] = "2023-09-15"
    row["evidence"] = "organized_export_roster;income_proof"
    let csv = try write(TestCSV.line(BatchFixtures.columns) + "\n" + row.csv() + "\n", to: dir, "pii.csv")
    let run = try runBatch(csv, asOf: "2024-06-30", in: dir)
    #expect(run.payouts.contains { $0["beneficiary"] == Self.masked }, "\(run.payoutsText)")
    #expect(!run.payoutsText.contains(Self.number), "raw ID number in payouts:\n\(run.payoutsText)")
    let shown = try runBatch(csv, asOf: "2024-06-30", ["--show-pii"], in: dir)
    #expect(shown.payouts.contains { $0["beneficiary"] == Self.number })

    for format in ["text", "csv", "json"] {
      let r = try runCLI(["compare", "--policy", "yingjiang", "--policy", "sandu", csv, "--as-of", "2024-06-30", "--format", format])
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stdout.contains(Self.masked), "\(format): \(r.stdout)")
      #expect(!r.stdout.contains(Self.number), "raw ID number in compare \(format):\n\(r.stdout)")
    }
    let html = dir.appendingPathComponent("c.html").path
    _ = try runCLI(["compare", "--policy", "yingjiang", "--policy", "sandu", csv, "--as-of", "2024-06-30", "--html", html])
    #expect(!(try String(contentsOfFile: html, encoding: .utf8)).contains(Self.number))
  }

  @Test func oneMaskerForValuesAndText() {
    #expect(PIIMask.masked(Self.number) == Self.masked)
    #expect(PIIMask.masked("53312319980401001") == "533123*******1001")
    #expect(PIIMask.masked("12345") == "*****")
    #expect(IDNumber.parse(Self.number)?.masked == PIIMask.masked(Self.number))
    #expect(PIIMask.mask("key yingjiang|r|\(Self.number)|2024") == "key yingjiang|r|\(Self.masked)|2024")
  }
}
