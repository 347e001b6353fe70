import Foundation
import Testing

/// The header names the columns: any order, a BOM, CRLF, quoting; misspelled or missing columns stop
/// the run before any row is read; unknown extra columns are ignored with a warning.
@Suite struct BatchHeaderTests {
  static let asOf = "2024-12-31"

  /// `regions.csv` rewritten with its columns in another order (the same permutation on every record).
  static func permuted(_ text: String, _ order: [Int]) -> String {
    TestCSV.parse(text).map { record in TestCSV.line(order.map { $0 < record.fields.count ? record.fields[$0] : "" }) }
      .joined(separator: "\n") + "\n"
  }

  /// A fixed shuffle of 0..<n: every third column from three starting points, reversed.
  static func shuffle(_ n: Int) -> [Int] {
    let order = (0..<3).flatMap { start in stride(from: start, to: n, by: 3).map { $0 } }
    return order.reversed()
  }

  @Test func shuffledColumnsGiveTheSamePayoutsAsTheContractOrder() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = try runBatch(BatchFixtures.path("regions.csv"), asOf: Self.asOf, in: dir, name: "base")
    #expect(base.status == 0, "\(base.stderr)")
    #expect(base.payoutLines.count >= 10, "regions.csv should produce results in every region:\n\(base.payoutsText)")
    let original = try BatchFixtures.text("regions.csv")
    let order = Self.shuffle(BatchFixtures.columns.count)
    #expect(order.sorted() == Array(0..<BatchFixtures.columns.count) && order != Array(0..<BatchFixtures.columns.count))
    let shuffled = try write(Self.permuted(original, order), to: dir, "shuffled.csv")
    let run = try runBatch(shuffled, asOf: Self.asOf, in: dir, name: "shuffled")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.rejects.isEmpty, "\(run.rejectsText)")
    #expect(run.payoutLines.sorted() == base.payoutLines.sorted())
  }

  @Test func excelsBOMAndCRLFAreAccepted() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let original = try BatchFixtures.text("regions.csv")
    let base = try runBatch(BatchFixtures.path("regions.csv"), asOf: Self.asOf, in: dir, name: "base")
    let variants = [
      "bom": "\u{FEFF}" + original,
      "crlf": original.replacingOccurrences(of: "\n", with: "\r\n"),
      "excel": "\u{FEFF}" + original.replacingOccurrences(of: "\n", with: "\r\n"),
    ]
    for (name, text) in variants.sorted(by: { $0.key < $1.key }) {
      let run = try runBatch(try write(text, to: dir, "\(name).csv"), asOf: Self.asOf, in: dir, name: name)
      #expect(run.status == 0, "\(name): \(run.stderr)")
      #expect(run.rejects.isEmpty, "\(name): \(run.rejectsText)")
      #expect(!run.stderr.contains("unknown column"), "\(name): \(run.stderr)")
      #expect(run.payoutLines.sorted() == base.payoutLines.sorted(), "\(name) gives other payouts")
    }
  }

  @Test func aMisspelledColumnStopsTheRunWithDidYouMean() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = try BatchFixtures.text("mixed.csv")
    let misspelled = text.replacingOccurrences(of: "person_hukou,", with: "person_hukuo,")
    #expect(misspelled != text)
    let file = try write(misspelled, to: dir, "misspelled.csv")
    let run = try runBatch(file, asOf: Self.asOf, in: dir)
    #expect(run.status == 1)
    #expect(run.stderr.contains("person_hukuo"), "\(run.stderr)")
    #expect(run.stderr.contains("did you mean `person_hukou`"), "\(run.stderr)")
    #expect(run.stderr.contains("error"), "\(run.stderr)")
    // Before any row is read: no summary, no payouts, no rejects (mixed.csv has bad rows).
    #expect(run.summaryNumbers == nil, "\(run.stdout)")
    #expect(run.payoutLines.isEmpty && run.rejects.isEmpty)
  }

  @Test func aMissingRequiredColumnStopsTheRun() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let records = TestCSV.parse(try BatchFixtures.text("regions.csv"))
    let drop = try #require(records[0].fields.firstIndex(of: "start"))
    let text = records.map { r in TestCSV.line(r.fields.enumerated().filter { $0.offset != drop }.map(\.element)) }.joined(separator: "\n") + "\n"
    let run = try runBatch(try write(text, to: dir, "no-start.csv"), asOf: Self.asOf, in: dir)
    #expect(run.status == 1)
    #expect(run.stderr.contains("`start`"), "\(run.stderr)")
    #expect(run.summaryNumbers == nil, "\(run.stdout)")
    #expect(run.payoutLines.isEmpty)
  }

  @Test func anUnknownExtraColumnIsAWarningAndIgnored() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = try runBatch(BatchFixtures.path("regions.csv"), asOf: Self.asOf, in: dir, name: "base")
    let records = TestCSV.parse(try BatchFixtures.text("regions.csv"))
    // Officers keep a remarks column (备注) in their exports; put it in the middle.
    let text = records.enumerated().map { n, r in
      var fields = r.fields
      fields.insert(n == 0 ? "备注" : "第\(n)批，已电话回访", at: 7)
      return TestCSV.line(fields)
    }.joined(separator: "\n") + "\n"
    let run = try runBatch(try write(text, to: dir, "remarks.csv"), asOf: Self.asOf, in: dir, name: "remarks")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("warning"), "\(run.stderr)")
    #expect(run.stderr.contains("备注"), "\(run.stderr)")
    #expect(run.rejects.isEmpty, "\(run.rejectsText)")
    #expect(run.payoutLines.sorted() == base.payoutLines.sorted())
  }

  /// `quoted.csv` (CRLF): a name with a comma, a name with `""`, a quoted empty `end`, a quoted id,
  /// a name with a line break inside quotes (Alt+Enter in Excel), and a bad row after it whose
  /// rejected value holds a comma and quotes.
  @Test func quotedFieldsWithCommasQuotesAndLineBreaksAndCRLF() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let raw = try Data(contentsOf: URL(fileURLWithPath: BatchFixtures.path("quoted.csv")))
    #expect(raw.range(of: Data("\r\n".utf8)) != nil, "the fixture must have CRLF line ends")
    let run = try runBatch(BatchFixtures.path("quoted.csv"), asOf: "2025-06-30", in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.rowsRead == 5, "\(run.stdout)")
    #expect(run.rowsRejected == 1, "\(run.stdout)")
    #expect(run.rejects.count == 1)
    let reject = try #require(run.rejects.first)
    // The record with the line break starts on line 4 and ends on line 5; the bad row is line 6.
    #expect(reject["line"] == "6", "\(run.rejectsText)")
    #expect(reject["column"] == "person_poverty_status")
    #expect(reject["value"] == "脱贫,\"已核实\"")
    let paid = run.payouts(rule: "employment-service-subsidy").filter { $0["status"] == "payable" }
    #expect(Set(paid.compactMap { $0["subject"] }) == ["YJ-D401", "YJ-D402", "YJ-D403", "YJ-D405"], "\(run.payoutsText)")
    #expect(paid.allSatisfy { $0["payee"] == "YJ-O01" && $0["amount"] == "100.00" })
  }
}
