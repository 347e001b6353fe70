import Foundation
import Testing

/// `subsidy batch --commit --ledger`: a payment is recorded once, whatever is run again, overlaps or
/// runs at the same time.
@Suite struct BatchLedgerTests {
  static let asOf = "2024-12-31"

  /// `subsidy ledger list --format csv`, parsed.
  static func ledgerRows(_ ledger: String) throws -> [[String: String]] {
    let r = try runCLI(["ledger", "list", "--ledger", ledger, "--format", "csv"])
    #expect(r.status == 0, "ledger list: \(r.stderr)")
    return TestCSV.table(r.stdout).rows
  }

  /// The identity of a payout line apart from its status.
  static func claim(_ p: [String: String]) -> String {
    ["policy", "rule", "subject", "beneficiary", "payee", "amount"].map { p[$0] ?? "" }.joined(separator: "|")
  }

  static let oldDispatches: Set<String> = ["YJ-D101", "YJ-D102", "SD-D104", "SD-P104", "XX-D106"]
  static let newDispatches: Set<String> = ["YJ-D201", "YJ-D202", "SD-D203", "XX-D204"]

  @Test func committedPaymentsAreNeverPaidTwice() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let ledger = dir.appendingPathComponent("县人社局-ledger.sqlite").path
    let first = BatchFixtures.path("regions.csv"), next = BatchFixtures.path("regions-next.csv")

    // 1. The first run commits every payable line.
    let run1 = try runBatch(first, asOf: Self.asOf, ["--commit", "--ledger", ledger, "--batch-id", "2024-12-first"], in: dir, name: "o1")
    #expect(run1.status == 0, "\(run1.stderr)")
    let payable1 = run1.payouts.filter { $0["status"] == "payable" }
    #expect(payable1.count >= 8, "\(run1.payoutsText)")
    #expect(run1.ledgerCounts.committed == payable1.count, "\(run1.stdout)")
    #expect(run1.ledgerCounts.alreadyPaid == 0)
    let listed1 = try Self.ledgerRows(ledger)
    #expect(listed1.count == payable1.count)
    #expect(Set(listed1.map { $0["key"] ?? "" }).count == listed1.count, "a key listed twice")
    #expect(Set(listed1.map { "\($0["rule"] ?? "")|\($0["subject"] ?? "")" })
            == Set(payable1.map { "\($0["rule"] ?? "")|\($0["subject"] ?? "")" }))
    #expect(listed1.reduce(0) { $0 + (Int($1["amount_fen"] ?? "") ?? 0) }
            == payable1.reduce(0) { $0 + Int((Double($1["amount"] ?? "") ?? 0) * 100 + 0.5) })

    // 2. The same file again pays nothing: every formerly payable line is already_paid.
    let run2 = try runBatch(first, asOf: Self.asOf, ["--commit", "--ledger", ledger, "--batch-id", "2024-12-again"], in: dir, name: "o2")
    #expect(run2.status == 0, "\(run2.stderr)")
    #expect(run2.ledgerCounts.committed == 0, "\(run2.stdout)")
    #expect(run2.ledgerCounts.alreadyPaid == payable1.count, "\(run2.stdout)")
    #expect(!run2.payouts.contains { $0["status"] == "payable" }, "\(run2.payoutsText)")
    let paid2 = Set(run2.payouts.filter { $0["status"] == "already_paid" }.map(Self.claim))
    #expect(paid2 == Set(payable1.map(Self.claim)))
    // Lines that were not payable (pending, missing evidence, undetermined) are as before.
    #expect(Set(run2.payouts.filter { $0["status"] != "already_paid" }.map { Self.claim($0) + $0["status"]! })
            == Set(run1.payouts.filter { $0["status"] != "payable" }.map { Self.claim($0) + $0["status"]! }))
    #expect(try Self.ledgerRows(ledger).count == payable1.count)

    // 3. Without --commit: already_paid is shown, the new rows are payable, and nothing is written.
    let dry = try runBatch(next, asOf: Self.asOf, ["--ledger", ledger], in: dir, name: "dry")
    #expect(dry.status == 0, "\(dry.stderr)")
    for line in dry.payouts {
      let subject = line["subject"] ?? ""
      if Self.oldDispatches.contains(subject) { #expect(line["status"] == "already_paid", "\(line)") }
      if Self.newDispatches.contains(subject) { #expect(line["status"] == "payable", "\(line)") }
    }
    #expect(dry.ledgerCounts.committed == 0)
    #expect(try Self.ledgerRows(ledger).count == payable1.count, "a run without --commit wrote payments")
    let absent = dir.appendingPathComponent("no-such-ledger.sqlite").path
    let noLedger = try runBatch(next, asOf: Self.asOf, ["--ledger", absent], in: dir, name: "absent")
    #expect(noLedger.status == 0)
    #expect(!FileManager.default.fileExists(atPath: absent), "a run without --commit created a ledger")
    #expect(!noLedger.payouts.contains { $0["status"] == "already_paid" })

    // 4. An overlapping file (half old rows, half new) pays only the new ones.
    let run3 = try runBatch(next, asOf: Self.asOf, ["--commit", "--ledger", ledger, "--batch-id", "2024-12-next"], in: dir, name: "o3")
    #expect(run3.status == 0, "\(run3.stderr)")
    let newPayable = run3.payouts.filter { $0["status"] == "payable" }
    #expect(Set(newPayable.compactMap { $0["subject"] }) == Self.newDispatches, "\(run3.payoutsText)")
    #expect(run3.payouts.filter { Self.oldDispatches.contains($0["subject"] ?? "") }.allSatisfy { $0["status"] == "already_paid" })
    #expect(run3.ledgerCounts.committed == newPayable.count, "\(run3.stdout)")
    #expect(newPayable.map(Self.claim).sorted() == dry.payouts.filter { $0["status"] == "payable" }.map(Self.claim).sorted())
    let listed3 = try Self.ledgerRows(ledger)
    #expect(listed3.count == payable1.count + newPayable.count)
    #expect(Set(listed3.map { $0["key"] ?? "" }).count == listed3.count, "a key listed twice")
  }

  /// Starts `subsidy ARGS` without waiting; its stdout and stderr go to files.
  static func start(_ arguments: [String], output: URL) throws -> Process {
    let executable = try #require(Paths.executable)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = Paths.sandbox()
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return process
  }

  /// Committed keys of a ledger, checked to be unique.
  static func keys(_ ledger: String) throws -> [String] {
    let keys = try ledgerRows(ledger).map { $0["key"] ?? "" }
    var seen: [String: Int] = [:]
    for k in keys { seen[k, default: 0] += 1 }
    let twice = seen.filter { $0.value > 1 }.map(\.key)
    #expect(twice.isEmpty, "paid more than once: \(twice.prefix(10))")
    return keys
  }

  @Test func twoProcessesCommittingOverlappingFilesAtOncePayEachKeyOnce() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let generated = try generateBatch(rows: 3_000, seed: 23, in: dir)
    let header = TestCSV.line(generated.header)
    func file(_ name: String, _ range: Range<Int>) throws -> String {
      try write(([header] + generated.records[range].map(TestCSV.line)).joined(separator: "\n") + "\n", to: dir, name)
    }
    let a = try file("乡镇上报-A.csv", 0..<2_000), b = try file("乡镇上报-B.csv", 1_000..<3_000)
    let asOf = "2025-06-30"

    // Reference: the two files one after the other.
    let sequential = dir.appendingPathComponent("sequential.sqlite").path
    for (f, id) in [(a, "seq-a"), (b, "seq-b")] {
      let r = try runCLI(["batch", f, "--as-of", asOf, "--commit", "--ledger", sequential, "--batch-id", id,
                          "--out", dir.appendingPathComponent("\(id).csv").path])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let expected = try Self.keys(sequential)
    #expect(expected.count > 100)

    // The same two files started at once on one new ledger.
    let shared = dir.appendingPathComponent("shared.sqlite").path
    let logs = [dir.appendingPathComponent("a.log"), dir.appendingPathComponent("b.log")]
    let processes = try [(a, "par-a"), (b, "par-b")].enumerated().map { n, job in
      try Self.start(["batch", job.0, "--as-of", asOf, "--commit", "--ledger", shared, "--batch-id", job.1,
                      "--out", dir.appendingPathComponent("\(job.1).csv").path, "--lang", "en"], output: logs[n])
    }
    for p in processes { p.waitUntilExit() }
    let outputs = try logs.map { try String(contentsOf: $0, encoding: .utf8) }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(outputs)")
    let committed = outputs.map { text in
      BatchRun(status: 0, stdout: text, stderr: "", payoutsText: "", rejectsText: "", payoutLines: [], payouts: [], rejects: []).ledgerCounts.committed
    }
    let actual = try Self.keys(shared)
    #expect(actual.count == committed.reduce(0, +), "summaries say \(committed), the ledger holds \(actual.count)")
    #expect(Set(actual) == Set(expected), "concurrent commits paid a different set of keys than sequential ones")
  }

  /// Without --batch-id the id is derived from the file's name and the time. Two exports that share
  /// a name (every town sends `导出.csv`), committed in the same second, must both go through.
  @Test func twoRunsWithoutBatchIdInTheSameSecondBothCommit() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let ledger = dir.appendingPathComponent("ledger.sqlite").path
    var files: [String] = []
    for (n, fixture) in ["regions.csv", "regions-next.csv"].enumerated() {
      let town = dir.appendingPathComponent("town\(n)")
      try FileManager.default.createDirectory(at: town, withIntermediateDirectories: true)
      files.append(try write(try BatchFixtures.text(fixture), to: town, "导出.csv"))
    }
    let logs = [dir.appendingPathComponent("1.log"), dir.appendingPathComponent("2.log")]
    let processes = try files.enumerated().map { n, f in
      try Self.start(["batch", f, "--as-of", Self.asOf, "--commit", "--ledger", ledger,
                      "--out", dir.appendingPathComponent("out\(n).csv").path, "--lang", "en"], output: logs[n])
    }
    for p in processes { p.waitUntilExit() }
    let outputs = try logs.map { try String(contentsOf: $0, encoding: .utf8) }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(outputs.joined(separator: "\n---\n"))")
    // Both exports are in the ledger (XX-D107 is only in the first, the new rows only in the second), each key once.
    _ = try Self.keys(ledger)
    let subjects = Set(try Self.ledgerRows(ledger).map { $0["subject"] ?? "" })
    #expect(subjects.contains("XX-D107"), "the first export was not committed: \(outputs)")
    #expect(subjects.isSuperset(of: Self.newDispatches), "the second export was not committed: \(outputs)")
  }

  /// Every payment a batch commits keeps the explanation of its result (the batch's fast path builds none;
  /// kept results are evaluated again with it), so the ledger can say why each yuan was paid.
  @Test func everyCommittedPaymentHasItsExplanation() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let generated = try generateBatch(rows: 2_000, seed: 31, in: dir)
    let ledger = dir.appendingPathComponent("ledger.sqlite").path
    let run = try runBatch(generated.path, asOf: "2025-06-30", ["--commit", "--ledger", ledger], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.ledgerCounts.committed > 50, "\(run.stdout)")
    let list = try runCLI(["ledger", "list", "--ledger", ledger, "--format", "json"], in: dir)
    let payments = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
    #expect(payments.count == run.ledgerCounts.committed)
    for payment in payments {
      let result = payment["explanation"] as? [String: Any]
      let checks = result?["explanation"] as? [[String: Any]] ?? []
      #expect(!checks.isEmpty, "no explanation for \(payment["key"] ?? "?")")
    }
  }
}

