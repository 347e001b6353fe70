import Foundation
import Testing

/// What the batch writes for people: a BOM for Excel, and no ID number in the clear unless asked.
@Suite struct BatchOutputTests {
  /// The `person_id_number` cells of `pii.csv`: valid ones and broken ones. (Lines 6 and 7 have an ID
  /// number typed into `person_hukou` and `start`; see the last test.)
  static let idNumbers = [
    "533123198409153188",  // line 2, good row
    "533123198203041510",  // line 3, wrong check digit
    "53312319820304151",   // line 4, 17 digits
    "533123199002301235",  // line 5, 1990-02-30 birth date
    "533123197704192898",  // line 7, valid; the row is bad for its start
    "53312319811107425X",  // line 8, valid; the row is bad for `是` in organized
  ]

  @Test func excelFlagWritesABOMAndOtherwiseTheSamePayouts() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plain = try runBatch(BatchFixtures.path("regions.csv"), asOf: "2024-12-31", in: dir, name: "plain")
    let excel = try runBatch(BatchFixtures.path("regions.csv"), asOf: "2024-12-31", ["--excel"], in: dir, name: "excel")
    #expect(excel.status == 0, "\(excel.stderr)")
    let bytes = try Data(contentsOf: dir.appendingPathComponent("excel-payouts.csv"))
    #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "no BOM: \(Array(bytes.prefix(8)))")
    #expect(String(decoding: bytes.dropFirst(3).prefix(7), as: UTF8.self) == "policy,")
    let plainBytes = try Data(contentsOf: dir.appendingPathComponent("plain-payouts.csv"))
    #expect(Array(plainBytes.prefix(3)) != [0xEF, 0xBB, 0xBF], "a BOM without --excel")
    #expect(excel.payoutLines == plain.payoutLines)
    let rejects = try Data(contentsOf: dir.appendingPathComponent("excel-rejects.csv"))
    #expect(Array(rejects.prefix(3)) == [0xEF, 0xBB, 0xBF], "the rejects file is opened in Excel too")
  }

  @Test func idNumbersAreMaskedInRejectsUnlessShowPII() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try runBatch(BatchFixtures.path("pii.csv"), asOf: "2024-12-31", in: dir, name: "masked")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.rejects.count == 6, "\(run.rejectsText)")
    let pastedIntoOtherColumns = Set(run.rejects.filter { $0["line"] == "6" || $0["line"] == "7" }.map { $0["line"] ?? "" })
    #expect(pastedIntoOtherColumns == ["6", "7"])
    let checked = run.rejectsText.split(separator: "\n").filter { !$0.hasPrefix("6,") && !$0.hasPrefix("7,") }.joined(separator: "\n")
    for id in Self.idNumbers {
      #expect(!checked.contains(id), "rejects show \(id) unmasked:\n\(run.rejectsText)")
      #expect(!run.payoutsText.contains(id) && !run.stdout.contains(id) && !run.stderr.contains(id))
    }
    // The officer can still tell which number is wrong: region and last four stay visible.
    let line3 = run.rejects.first { $0["line"] == "3" }
    #expect(line3?["column"] == "person_id_number")
    #expect(line3?["value"] == "533123********1510", "\(String(describing: line3))")

    let shown = try runBatch(BatchFixtures.path("pii.csv"), asOf: "2024-12-31", ["--show-pii"], in: dir, name: "shown")
    for id in ["533123198203041510", "53312319820304151", "533123199002301235"] {
      #expect(shown.rejectsText.contains(id), "--show-pii hides \(id):\n\(shown.rejectsText)")
    }
    #expect(shown.rejects.map { $0["line"] ?? "" } == run.rejects.map { $0["line"] ?? "" })
  }

  /// The mask must not depend on which column the number was typed into: an ID number pasted into
  /// `person_hukou` or `start` (a shifted Excel column) is still personal data.
  @Test func anIDNumberTypedIntoAnotherColumnIsMaskedToo() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try runBatch(BatchFixtures.path("pii.csv"), asOf: "2024-12-31", in: dir)
    for line in ["6", "7"] {
      let reject = run.rejects.first { $0["line"] == line }
      #expect(reject != nil, "line \(line) not rejected")
      let text = (reject?["value"] ?? "") + (reject?["reason"] ?? "")
      #expect(!text.contains("533123199110038147") && !text.contains("533123197704192898"),
              "line \(line) shows an ID number in the clear: \(String(describing: reject))")
    }
  }
}
