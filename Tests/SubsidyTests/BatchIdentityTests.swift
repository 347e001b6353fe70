import Foundation
import Testing

/// An ID number identifies one person, and every value obeys the fact schema's bounds and checks,
/// in a batch as in `eval`: the offending row is a reject with its line, column and reason, wherever
/// in the file the earlier row is and however the file is chunked.
@Suite struct BatchIdentityTests {
  static let asOf = "2025-06-30"

  static func row(_ dispatch: String, person: String, idNumber: String) -> BatchRow {
    BatchRow([
      "dispatch_id": dispatch, "person_id": person, "person_name": "测试",
      "person_id_number": idNumber, "person_hukou": "433125",
      "person_poverty_status": "registered_poor", "person_relocated": "false", "person_post_school_youth": "false",
      "employer_id": "ID-E1", "employer_kind": "enterprise", "employer_location": "440306",
      "destination": "440306", "organized": "false", "start": "2024-03-01",
      "contract": "true", "contract_months": "24", "social_insurance": "true", "follow_up": "false",
      "transport_cost": "300.00", "evidence": "labor_contract;transport_receipts",
    ])
  }

  static let numberA = BatchFixtures.idNumber("433125", born: "1990-02-17", sequence: 303)
  static let numberB = BatchFixtures.idNumber("433125", born: "1985-09-09", sequence: 404)

  /// `top` rows, 300 generated rows, then `bottom` rows: far apart in every chunking.
  static func file(top: [BatchRow], bottom: [BatchRow], in dir: URL) throws -> (path: String, firstBottomLine: Int) {
    let padding = try generateBatch(rows: 300, seed: 11, in: dir)
    var lines = [TestCSV.line(BatchFixtures.columns)]
    lines += top.map { $0.csv() }
    lines += padding.records.map(TestCSV.line)
    let firstBottomLine = lines.count + 1
    lines += bottom.map { $0.csv() }
    return (try write(lines.joined(separator: "\n") + "\n", to: dir, "identity.csv"), firstBottomLine)
  }

  @Test(arguments: [["--chunk-rows", "7"], ["--chunk-rows", "4096"], ["--chunk-rows", "7", "--threads", "1"]])
  func theSameIDNumberUnderTwoPersonIDsIsRejectedNamingTheFirstLine(_ options: [String]) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (path, line) = try Self.file(top: [Self.row("ID-D1", person: "ID-P1", idNumber: Self.numberA)],
                                     bottom: [Self.row("ID-D2", person: "ID-P2", idNumber: Self.numberA)], in: dir)
    let run = try runBatch(path, asOf: Self.asOf, options, in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let reject = run.rejects.first { $0["line"] == String(line) }
    #expect(reject?["column"] == "person_id_number", "\(run.rejectsText)")
    #expect(reject?["reason"]?.contains("line 2") == true, "the reject names the first row: \(run.rejectsText)")
    #expect(reject?["value"] == "433125********3034" || reject?["value"]?.contains("********") == true, "masked: \(run.rejectsText)")
    #expect(!run.payouts.contains { $0["subject"] == "ID-D2" }, "the second person was paid too")
    #expect(run.payouts.contains { $0["subject"] == "ID-D1" && $0["rule"] == "transport-subsidy" })
    if let (read, evaluated, rejected) = run.summaryNumbers { #expect(read == evaluated + rejected) }
  }

  @Test(arguments: [["--chunk-rows", "7"], ["--chunk-rows", "4096"]])
  func onePersonIDWithTwoIDNumbersIsRejected(_ options: [String]) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (path, line) = try Self.file(top: [Self.row("ID-D1", person: "ID-P1", idNumber: Self.numberA)],
                                     bottom: [Self.row("ID-D2", person: "ID-P1", idNumber: Self.numberB)], in: dir)
    let run = try runBatch(path, asOf: Self.asOf, options, in: dir)
    let reject = run.rejects.first { $0["line"] == String(line) }
    #expect(reject?["column"] == "person_id_number", "\(run.rejectsText)")
    #expect(reject?["reason"]?.contains("another ID number on line 2") == true, "\(run.rejectsText)")
    #expect(!run.payouts.contains { $0["subject"] == "ID-D2" })
    if let (read, evaluated, rejected) = run.summaryNumbers { #expect(read == evaluated + rejected) }
  }

  @Test func theSamePersonWithTheSameNumberOnManyRowsIsFine() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (path, _) = try Self.file(top: [Self.row("ID-D1", person: "ID-P1", idNumber: Self.numberA)],
                                  bottom: [Self.row("ID-D2", person: "ID-P1", idNumber: Self.numberA)], in: dir)
    let run = try runBatch(path, asOf: Self.asOf, ["--chunk-rows", "7"], in: dir)
    #expect(!run.rejects.contains { $0["line"].flatMap(Int.init).map { $0 == 2 || $0 > 302 } ?? false }, "\(run.rejectsText)")
  }

  /// The values issue 10 found accepted silently, each on its own row: every one is now a reject at its column.
  @Test(arguments: [["--chunk-rows", "7"], ["--chunk-rows", "4096"]])
  func valuesOutsideTheSchemasBoundsAndChecksAreRejected(_ options: [String]) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let cases: [(column: String, value: String, reason: String)] = [
      ("transport_cost", "-1", "at least 0"),
      ("end", "2024-01-01", "end >= start"),
      ("household_members", "0", "at least 1"),
      ("household_members", "-3", "at least 1"),
      ("household_labor_income", "-5000", "at least 0"),
      ("household_income_year", "0", "at least 1949"),
      ("contract_months", "-12", "at least 1"),
      ("contract_months", "999999999", "at most 600"),
      ("person_id_number", BatchFixtures.idNumber("433125", born: "2030-01-01", sequence: 5), "later than the date judged on"),
    ]
    var rows: [BatchRow] = []
    for (n, c) in cases.enumerated() {
      var row = Self.row("BAD-\(n)", person: "BAD-P\(n)", idNumber: BatchFixtures.idNumber("433125", born: "1990-01-01", sequence: n))
      if c.column.hasPrefix("household_") {
        row["household_id"] = "BAD-H\(n)"
        row["household_members"] = "4"
      }
      row[c.column] = c.value
      rows.append(row)
    }
    let (path, first) = try Self.file(top: [], bottom: rows, in: dir)
    let run = try runBatch(path, asOf: Self.asOf, options, in: dir)
    for (n, c) in cases.enumerated() {
      let reject = run.rejects.first { $0["line"] == String(first + n) }
      #expect(reject?["column"] == c.column, "row \(n) (\(c.column)=\(c.value)): \(run.rejectsText)")
      #expect(reject?["reason"]?.contains(c.reason) == true, "row \(n): \(reject ?? [:])")
    }
    #expect(!run.payouts.contains { ($0["subject"] ?? "").hasPrefix("BAD-") })
  }

  /// A person whose number is another's, named by several rows of one chunk (and of the next): every
  /// one of those rows is rejected, each naming the first line. The first of them repeats an earlier
  /// dispatch id, so it is rejected for that, once (by the decoder within a chunk, across chunks by the
  /// file's registry), and its claim still rejects the rows after it.
  @Test(arguments: [["--chunk-rows", "2"], ["--chunk-rows", "4096"]])
  func everyRowOfAConflictingPersonIsRejected(_ options: [String]) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let bottom = ["ID-D1", "ID-D3", "ID-D4", "ID-D5"].map { Self.row($0, person: "ID-P2", idNumber: Self.numberA) }
    let (path, line) = try Self.file(top: [Self.row("ID-D1", person: "ID-P1", idNumber: Self.numberA)], bottom: bottom, in: dir)
    let run = try runBatch(path, asOf: Self.asOf, options, in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let repeated = run.rejects.filter { $0["line"] == String(line) }
    #expect(repeated.count == 1 && repeated.first?["reason"]?.contains("repeats") == true, "\(run.rejectsText)")
    for later in line + 1...line + 3 {
      let reject = run.rejects.first { $0["line"] == String(later) }
      #expect(reject?["column"] == "person_id_number" && reject?["reason"]?.contains("line 2") == true, "line \(later): \(run.rejectsText)")
    }
    #expect(!run.payouts.contains { ["ID-D3", "ID-D4", "ID-D5"].contains($0["subject"]) }, "a row of the second person was paid")
    if let (read, evaluated, rejected) = run.summaryNumbers { #expect(read == evaluated + rejected) }
  }

  /// Ids are compared byte for byte everywhere: two people whose ids are canonically equivalent but
  /// not the same bytes (`K` and KELVIN SIGN) are two beneficiaries, each paid once, whether the
  /// limits are held in memory or spilled to disk (`--memory 0`). (`LimitSlot` itself, which the
  /// group claims' in-memory book is keyed by: `PackedLimitBookTests`.)
  @Test func equivalentButDifferentIDsAreTwoBeneficiariesWhateverTheMemory() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (path, _) = try Self.file(top: [Self.row("ID-D1", person: "ID-PK", idNumber: Self.numberA),
                                        Self.row("ID-D2", person: "ID-P\u{212A}", idNumber: Self.numberB)], bottom: [], in: dir)
    var paid: [[String]] = []
    for options in [[String](), ["--memory", "0"]] {
      let run = try runBatch(path, asOf: Self.asOf, options, in: dir, name: options.isEmpty ? "held" : "spilled")
      #expect(run.status == 0, "\(run.stderr)")
      let transport = run.payouts.filter { $0["rule"] == "transport-subsidy" && ["ID-D1", "ID-D2"].contains($0["subject"]) }
      #expect(transport.filter { $0["status"] == "payable" }.count == 2, "\(options): \(transport)")
      paid.append(run.payoutLines.sorted())
    }
    #expect(paid[0] == paid[1], "the payouts depend on --memory")
  }

  @Test func jsonLinesGetTheSameChecks() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    func line(_ d: String, _ p: String, _ number: String, end: String = "null") -> String {
      #"{"people":[{"id":"\#(p)","hukou":"433125","id_number":"\#(number)","poverty_status":"registered_poor"}],"# +
        #""dispatches":[{"id":"\#(d)","person":"\#(p)","destination":"440306","start":"2024-03-01","end":\#(end),"contract":true,"transport_cost":300}]}"#
    }
    let text = [
      line("J1", "JP1", Self.numberA),
      line("J2", "JP2", Self.numberA),
      line("J3", "JP3", Self.numberB, end: #""2024-01-01""#),
    ].joined(separator: "\n") + "\n"
    let path = try write(text, to: dir, "facts.jsonl")
    let run = try runBatch(path, asOf: Self.asOf, in: dir)
    #expect(run.rejects.first { $0["line"] == "2" }?["reason"]?.contains("line 1") == true, "\(run.rejectsText)")
    let three = run.rejects.first { $0["line"] == "3" }
    #expect(three?["reason"]?.contains("end >= start") == true, "\(run.rejectsText)")
    #expect(three?["column"]?.hasPrefix("column ") == true)
    #expect(run.rowsRead == 3 && run.rowsRejected == 2, "\(run.stdout)")
  }

  /// Across runs: a later batch that gives a committed person's number to a new id (or a new number
  /// to a committed id) is rejected, and the ledger holds only a keyed hash of the number.
  @Test func theLedgerRemembersWhoHadWhichNumber() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let ledger = dir.appendingPathComponent("ledger.sqlite").path
    let header = TestCSV.line(BatchFixtures.columns)
    let first = try write(header + "\n" + Self.row("RUN1-D1", person: "RUN-P1", idNumber: Self.numberA).csv() + "\n", to: dir, "run1.csv")
    let one = try runBatch(first, asOf: Self.asOf, ["--commit", "--ledger", ledger], in: dir)
    #expect(one.status == 0 && one.rowsRejected == 0, "\(one.stderr)\(one.rejectsText)")
    let second = try write(header + "\n" + Self.row("RUN2-D1", person: "RUN-P2", idNumber: Self.numberA).csv() + "\n"
                           + Self.row("RUN2-D2", person: "RUN-P1", idNumber: Self.numberB).csv() + "\n"
                           + Self.row("RUN2-D3", person: "RUN-P1", idNumber: Self.numberA).csv() + "\n", to: dir, "run2.csv")
    // Each chunking against its own copy of the first run's ledger: the outcome is the same.
    var runs: [BatchRun] = []
    for (n, options) in [[String](), ["--chunk-rows", "1"], ["--lang", "zh"]].enumerated() {
      let copy = dir.appendingPathComponent("ledger-\(n).sqlite").path
      try FileManager.default.copyItem(atPath: ledger, toPath: copy)
      runs.append(try runBatch(second, asOf: Self.asOf, ["--commit", "--ledger", copy] + options, in: dir, name: "two-\(n)"))
    }
    let two = runs[0]
    #expect(two.rejects.first { $0["line"] == "2" }?["reason"]?.contains("`RUN-P1` in the ledger") == true, "\(two.rejectsText)")
    #expect(two.rejects.first { $0["line"] == "3" }?["reason"]?.contains("another ID number in the ledger") == true, "\(two.rejectsText)")
    // Line 4 agrees with the ledger; line 3's other number was refused, never accepted, so the file
    // gave RUN-P1 no number before line 4: it is accepted, in one chunk as in three.
    #expect(!two.rejects.contains { $0["line"] == "4" }, "\(two.rejectsText)")
    #expect(two.rowsRejected == 2, "\(two.stdout)")
    #expect(!two.payouts.contains { $0["subject"] == "RUN2-D1" || $0["subject"] == "RUN2-D2" })
    #expect(two.payouts.contains { $0["subject"] == "RUN2-D3" && $0["rule"] == "transport-subsidy" }, "\(two.payoutsText)")
    #expect(runs[1].payoutsText == two.payoutsText && runs[1].rejectsText == two.rejectsText, "\(runs[1].rejectsText)")
    // The ledger's reasons in Chinese, naming the same ids and batch.
    let zh = runs[2]
    #expect(zh.rejects.first { $0["line"] == "2" }?["reason"]?.contains("是人员 `RUN-P1` 的身份证号") == true, "\(zh.rejectsText)")
    #expect(zh.rejects.first { $0["line"] == "3" }?["reason"]?.contains("人员 `RUN-P1` 在账本里") == true, "\(zh.rejectsText)")
    for name in ["ledger.sqlite", "ledger-0.sqlite"] {
      let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
      #expect(bytes.range(of: Data(Self.numberA.utf8)) == nil, "the raw ID number is in \(name)")
    }
  }
}
