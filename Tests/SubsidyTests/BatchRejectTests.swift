import Foundation
import Testing

/// Nothing is lost: every row of a batch is either evaluated or listed in the rejects file with its
/// file line, column and reason, and the summary adds up.
@Suite struct BatchRejectTests {
  /// `mixed.csv`: 盈江 and 三都 rows, good and bad. Lines are 1-based file lines; the header is line 1.
  static let badLines: [Int: (column: String?, reason: String)] = [
    4: ("start", "2023-02-30"),               // impossible date
    6: ("destination", "35098"),              // 5-digit division code
    7: ("person_poverty_status", "tuopin"),   // not an enum value (pinyin of 脱贫)
    9: ("organized", "yes"),                  // `yes` in a boolean column
    10: ("person_id_number", "check digit"),  // wrong ID checksum
    12: ("person_hukou", "empty"),            // required cell empty
    13: (nil, ""),                            // a short row: cut after `start`
  ]
  static let goodDispatches = ["YJ-D001", "YJ-D002", "YJ-D004", "YJ-D007", "YJ-D010", "YJ-D013", "SD-D014"]

  @Test func everyBadRowIsRejectedWithLineColumnAndReasonAndEveryGoodRowIsEvaluated() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try runBatch(BatchFixtures.path("mixed.csv"), asOf: "2024-12-31", in: dir)
    #expect(run.status == 0, "\(run.stderr)")

    let rejectedLines = run.rejects.compactMap { Int($0["line"] ?? "") }
    #expect(rejectedLines.sorted() == Self.badLines.keys.sorted(), "rejects:\n\(run.rejectsText)")
    #expect(Set(rejectedLines).count == rejectedLines.count, "a row is rejected once, with its first bad cell")
    for reject in run.rejects {
      guard let line = Int(reject["line"] ?? ""), let expected = Self.badLines[line] else { continue }
      if let column = expected.column {
        #expect(reject["column"] == column, "line \(line): \(reject)")
      }
      #expect(!(reject["reason"] ?? "").isEmpty, "line \(line) has no reason")
      if !expected.reason.isEmpty {
        let text = (reject["value"] ?? "") + " " + (reject["reason"] ?? "")
        #expect(text.contains(expected.reason), "line \(line): \(reject)")
      }
    }

    // rows read = evaluated + rejected, and the numbers are the file's.
    #expect(run.rowsRead == 14, "\(run.stdout)")
    #expect(run.rowsRejected == Self.badLines.count, "\(run.stdout)")
    #expect(run.rowsEvaluated == Self.goodDispatches.count, "\(run.stdout)")
    if let (read, evaluated, rejected) = run.summaryNumbers { #expect(read == evaluated + rejected) }
    #expect(!run.stdout.contains("DOES NOT ADD UP"))

    // Every good row's results appear; no bad row produced a result.
    let subjects = Set(run.payouts.map { $0["subject"] ?? "" })
    for id in Self.goodDispatches { #expect(subjects.contains(id), "no result for good row \(id)") }
    #expect(!subjects.contains { $0.hasPrefix("YJ-X") }, "a rejected row was evaluated: \(subjects.sorted())")
  }

  @Test func theGoodRowsGetTheAmountsThePoliciesSet() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try runBatch(BatchFixtures.path("mixed.csv"), asOf: "2024-12-31", in: dir)
    func line(_ rule: String, _ subject: String) -> [String: String]? {
      run.payouts.first { $0["rule"] == rule && $0["subject"] == subject }
    }
    #expect(line("employment-service-subsidy", "YJ-D001")?["amount"] == "100.00")
    #expect(line("employment-service-subsidy", "YJ-D001")?["eligible_from"] == "2024-06-01")
    #expect(line("hu-dian-service-subsidy", "YJ-D002")?["amount"] == "600.00")  // 州内县外
    #expect(line("hu-dian-service-subsidy", "YJ-D010")?["amount"] == "1000.00")  // 省外
    #expect(line("hu-dian-service-subsidy", "YJ-D013")?["amount"] == "400.00")  // 县内
    #expect(line("organizing-follow-up-subsidy", "SD-D014")?["amount"] == "200.00")
    #expect(line("household-labor-income-reward", "SD-H014/2023")?["payee"] == "SD-H014")
    #expect(run.payouts.allSatisfy { $0["status"] != "ineligible" })
  }

  /// A row with fewer cells than the header is a cut or broken record; it is rejected even when the
  /// cells it lacks are optional ones, instead of being evaluated as if they were empty.
  @Test func aShortRowIsRejectedEvenWhenOnlyOptionalCellsAreMissing() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try runBatch(BatchFixtures.path("mixed.csv"), asOf: "2024-12-31", in: dir)
    #expect(run.rejects.contains { $0["line"] == "13" }, "line 13 has 23 of 30 cells but was not rejected:\n\(run.rejectsText)")
    #expect(!run.payouts.contains { $0["subject"] == "YJ-X012" }, "the short row was evaluated")
  }

  /// Which rows are rejected, and what is paid, must not depend on how the file is cut into chunks.
  /// `shared.csv` repeats a worker with a broken ID number, repeats a dispatch id six rows apart, and
  /// pastes an ID number into a hukou cell.
  @Test(arguments: [1, 2, 3])
  func rejectsDoNotDependOnChunking(chunkRows: Int) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = BatchFixtures.path("shared.csv")
    let whole = try runBatch(file, asOf: "2025-06-30", ["--chunk-rows", "100000", "--threads", "1"], in: dir, name: "whole")
    let cut = try runBatch(file, asOf: "2025-06-30", ["--chunk-rows", String(chunkRows), "--threads", "2"], in: dir, name: "cut")
    #expect(whole.status == 0 && cut.status == 0, "\(whole.stderr)\(cut.stderr)")
    let wholeLines = whole.rejects.map { "\($0["line"] ?? "") \($0["column"] ?? "")" }
    let cutLines = cut.rejects.map { "\($0["line"] ?? "") \($0["column"] ?? "")" }
    #expect(wholeLines == cutLines, "rejects differ with --chunk-rows \(chunkRows)")
    // The same lines in the same order: a clerk comparing two runs' files sees no difference.
    #expect(whole.payoutLines == cut.payoutLines, "payouts differ with --chunk-rows \(chunkRows)")
  }

  /// On a generated file of all five regions (with bad rows), the payouts and rejects files are the
  /// same, byte for byte, whatever the chunk size and the number of threads: each chunk writes its
  /// lines in input order, not rule by rule.
  @Test func outputFilesDoNotDependOnChunkSizeOrThreads() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try generateBatch(rows: 3_000, seed: 7, in: dir, badRate: "0.01").path
    let whole = try runBatch(file, asOf: "2025-06-30", ["--chunk-rows", "100000", "--threads", "1"], in: dir, name: "whole")
    #expect(whole.status == 0, "\(whole.stderr)")
    #expect(whole.payouts.count > 100 && whole.rejects.count > 10)
    for (chunkRows, threads) in [(1, 2), (7, 2), (500, 1), (1_024, 2)] {
      let cut = try runBatch(file, asOf: "2025-06-30", ["--chunk-rows", String(chunkRows), "--threads", String(threads)], in: dir,
                             name: "cut-\(chunkRows)-\(threads)")
      #expect(cut.status == 0, "\(cut.stderr)")
      #expect(cut.payoutLines == whole.payoutLines, "payouts differ with --chunk-rows \(chunkRows) --threads \(threads)")
      #expect(cut.rejectsText == whole.rejectsText, "rejects differ with --chunk-rows \(chunkRows) --threads \(threads)")
    }
  }

  /// Line 4 gives worker YJ-P301, already on line 2, an ID number whose check digit is wrong: the row
  /// is bad whether or not the worker was seen earlier in the same chunk.
  @Test func aBadCellOfAWorkerSeenOnAnEarlierRowIsStillRejected() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try runBatch(BatchFixtures.path("shared.csv"), asOf: "2025-06-30", in: dir)
    let line4 = run.rejects.first { $0["line"] == "4" }
    #expect(line4?["column"] == "person_id_number", "line 4 not rejected (default chunking):\n\(run.rejectsText)")
  }

  /// Line 9 repeats line 3's dispatch id YJ-D302: rejected as a repeat however far apart the two rows are.
  @Test func aRepeatedDispatchIdIsRejectedAcrossChunks() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for chunk in ["1", "4096"] {
      let run = try runBatch(BatchFixtures.path("shared.csv"), asOf: "2025-06-30", ["--chunk-rows", chunk], in: dir, name: "c\(chunk)")
      let line9 = run.rejects.first { $0["line"] == "9" }
      #expect(line9?["column"] == "dispatch_id", "--chunk-rows \(chunk): line 9 repeats YJ-D302 but was not rejected:\n\(run.rejectsText)")
      #expect(run.payouts.filter { $0["subject"] == "YJ-D302" }.count <= 1, "--chunk-rows \(chunk): YJ-D302 evaluated twice")
    }
  }
}
