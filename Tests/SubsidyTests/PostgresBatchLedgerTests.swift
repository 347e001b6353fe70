import Foundation
import Testing
@testable import Ledger
@testable import LedgerPostgres

/// A prefecture's counties on one PostgreSQL ledger: `subsidy batch --commit --ledger postgres://…`
/// from four processes at once, each a county (`--payer`) with a file overlapping the others'.
/// Runs when `SUBSIDY_TEST_POSTGRES` names a server (`.ci/run` starts one), skipped with a message otherwise.
@Suite(.enabled(if: PostgresForBatch.url != nil, "SUBSIDY_TEST_POSTGRES is not set: the PostgreSQL batch-ledger tests are NOT run (bash .ci/with-postgres swift test)"))
struct PostgresBatchLedgerTests {
  static let counties = ["433101", "433122", "433123", "433124"]

  /// "ledger: N payments committed, M already paid" from a batch run's output.
  static func ledgerCounts(_ text: String) -> (committed: Int, alreadyPaid: Int) {
    BatchRun(status: 0, stdout: text, stderr: "", payoutsText: "", rejectsText: "", payoutLines: [], payouts: [], rejects: []).ledgerCounts
  }

  @Test func fourCountiesCommittingOverlappingFilesAtOncePayEachKeyOnce() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = try PostgresForBatch.freshDatabase()
    defer { PostgresForBatch.drop(url) }
    let generated = try generateBatch(rows: 4_000, seed: 31, in: dir)
    let header = TestCSV.line(generated.header)
    func file(_ name: String, _ ranges: [Range<Int>]) throws -> String {
      let lines = ranges.flatMap { generated.records[$0] }.map(TestCSV.line)
      return try write(([header] + lines).joined(separator: "\n") + "\n", to: dir, name)
    }
    let files = [
      try file("county-0.csv", [0..<2_000]), try file("county-1.csv", [1_000..<3_000]),
      try file("county-2.csv", [2_000..<4_000]), try file("county-3.csv", [0..<500, 3_500..<4_000]),
    ]
    let asOf = "2025-06-30"

    // The four counties at once, on a database without a ledger yet (they race to create it).
    let logs = files.indices.map { dir.appendingPathComponent("county-\($0).log") }
    let processes = try files.enumerated().map { n, f in
      try BatchLedgerTests.start(["batch", f, "--as-of", asOf, "--commit", "--ledger", url, "--batch-id", "county-\(n)",
                                  "--payer", Self.counties[n], "--out", dir.appendingPathComponent("par-\(n).csv").path, "--lang", "en"],
                                 output: logs[n])
    }
    for p in processes { p.waitUntilExit() }
    let outputs = try logs.map { try String(contentsOf: $0, encoding: .utf8) }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(outputs)")
    let counts = outputs.map(Self.ledgerCounts)

    // Reference: the same four files one after the other into an SQLite ledger, in the order the
    // server let them commit. Which claim of a limited key is paid depends on which file comes
    // first ("once per worker" pays the first county's placement), so the reference must be this
    // order; concurrency may change nothing else.
    let batches = try runCLI(["ledger", "batches", "--ledger", url, "--format", "json"])
    #expect(batches.status == 0, "\(batches.stderr)")
    let listed = try #require(try JSONSerialization.jsonObject(with: Data(batches.stdout.utf8)) as? [[String: Any]])
    let order = listed.compactMap { ($0["id"] as? String).flatMap { Int($0.dropFirst("county-".count)) } }
    #expect(order.sorted() == [0, 1, 2, 3], "\(batches.stdout)")
    #expect(listed.map { $0["payer"] as? String ?? "" } == order.map { Self.counties[$0] })
    let sequential = dir.appendingPathComponent("sequential.sqlite").path
    var sequentialCounts = [(committed: Int, alreadyPaid: Int)](repeating: (0, 0), count: files.count)
    for n in order {
      let r = try runCLI(["batch", files[n], "--as-of", asOf, "--commit", "--ledger", sequential, "--batch-id", "county-\(n)",
                          "--out", dir.appendingPathComponent("seq-\(n).csv").path, "--lang", "en"])
      #expect(r.status == 0, "\(r.stderr)")
      sequentialCounts[n] = Self.ledgerCounts(r.stdout + r.stderr)
    }
    let expected = try BatchLedgerTests.ledgerRows(sequential)
    #expect(expected.count > 200)

    let rows = try BatchLedgerTests.ledgerRows(url)
    let keys = rows.map { $0["key"] ?? "" }
    // Every key once, as many as the runs say they committed.
    #expect(keys.count == Set(keys).count, "a key recorded twice")
    #expect(keys.count == counts.map(\.committed).reduce(0, +), "the runs say \(counts), the ledger holds \(keys.count)")
    #expect(counts.map(\.alreadyPaid).reduce(0, +) > 0, "the files overlap: some claims must be already paid")
    // Each county's committed and already_paid counts, the payments (key, batch, amount) and the
    // sums are those of the serial run.
    #expect(counts.map(\.committed) == sequentialCounts.map(\.committed))
    #expect(counts.map(\.alreadyPaid) == sequentialCounts.map(\.alreadyPaid))
    func payments(_ rows: [[String: String]]) -> Set<String> {
      Set(rows.map { [$0["key"], $0["batch_id"], $0["amount_fen"]].map { $0 ?? "" }.joined(separator: "|") })
    }
    #expect(payments(rows) == payments(expected))
    func fen(_ rows: [[String: String]]) -> Int { rows.reduce(0) { $0 + (Int($1["amount_fen"] ?? "") ?? 0) } }
    #expect(fen(rows) == fen(expected))
    // Each payment is answered for by the county whose batch recorded it.
    for (n, county) in Self.counties.enumerated() {
      let recorded = rows.filter { $0["batch_id"] == "county-\(n)" }
      #expect(recorded.count == counts[n].committed)
      #expect(recorded.allSatisfy { $0["payer"] == county })
    }
    let summary = try runCLI(["ledger", "summary", "--ledger", url, "--format", "csv"])
    #expect(summary.status == 0)
    let total = TestCSV.table(summary.stdout).rows.reduce(0) { $0 + (Int($1["total_fen"] ?? "") ?? 0) }
    #expect(total == fen(expected))
  }

  /// The CLI on a PostgreSQL ledger: a dry run reads paid keys from it, `ledger void` and
  /// `ledger export` work, and a wrong password or server never prints the password.
  @Test func ledgerSubcommandsAndDryRunOnAServer() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = try PostgresForBatch.freshDatabase()
    defer { PostgresForBatch.drop(url) }
    // Reading a database without a ledger is an error, not an empty list.
    let empty = try runCLI(["ledger", "list", "--ledger", url, "--lang", "en"])
    #expect(empty.status != 0 && empty.stderr.contains("no ledger"), "\(empty.stderr)")

    let generated = try generateBatch(rows: 300, seed: 7, in: dir)
    let run = try runBatch(generated.path, asOf: "2025-06-30", ["--commit", "--ledger", url, "--batch-id", "b1"], in: dir, name: "c1")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.ledgerCounts.committed > 0)
    let dry = try runBatch(generated.path, asOf: "2025-06-30", ["--ledger", url], in: dir, name: "dry")
    #expect(dry.status == 0)
    #expect(dry.payouts.filter { $0["status"] == "already_paid" }.count == run.ledgerCounts.committed)

    let rows = try BatchLedgerTests.ledgerRows(url)
    let id = try #require(rows.first?["id"])
    let void = try runCLI(["ledger", "void", id, "--reason", "wrong account", "--ledger", url])
    #expect(void.status == 0, "\(void.stderr)")
    let out = dir.appendingPathComponent("export.csv").path
    let export = try runCLI(["ledger", "export", "--ledger", url, "--out", out, "--include-voided"])
    #expect(export.status == 0, "\(export.stderr)")
    let exported = TestCSV.table(try String(contentsOfFile: out, encoding: .utf8)).rows
    #expect(exported.count == rows.count)
    #expect(exported.first { $0["id"] == id }?["void_reason"] == "wrong account")

    var components = try #require(URLComponents(string: url))
    components.user = "nobody_here"
    components.password = "Hunter2Secret"
    let denied = try runCLI(["ledger", "list", "--ledger", try #require(components.string)])
    #expect(denied.status != 0)
    #expect(!(denied.stdout + denied.stderr).contains("Hunter2Secret"), "\(denied.stderr)")
  }

  /// `subsidy ledger migrate` from the CLI: once, and the copy lists the same.
  @Test func migrateFromTheCLI() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = try PostgresForBatch.freshDatabase()
    defer { PostgresForBatch.drop(url) }
    let ledger = dir.appendingPathComponent("county.sqlite").path
    let generated = try generateBatch(rows: 300, seed: 9, in: dir)
    let run = try runBatch(generated.path, asOf: "2025-06-30", ["--commit", "--ledger", ledger, "--batch-id", "b1"], in: dir, name: "c1")
    #expect(run.status == 0, "\(run.stderr)")
    let first = try runCLI(["ledger", "migrate", "--from", ledger, "--to", url])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("已迁移 1 个批次"), "\(first.stdout)")
    let again = try runCLI(["ledger", "migrate", "--from", ledger, "--to", url, "--lang", "en"])
    #expect(again.status != 0 && again.stderr.contains("already holds a ledger (1 batches)"), "\(again.stderr)")
    let zh = try runCLI(["ledger", "migrate", "--from", ledger, "--to", url])
    #expect(zh.stderr.contains("错误：数据库 `") && zh.stderr.contains("已有台账（1 个批次）"), "\(zh.stderr)")
    for args in [["list", "--format", "csv", "--include-voided"], ["summary", "--format", "json"], ["list", "--format", "json"]] {
      let a = try runCLI(["ledger"] + args + ["--ledger", ledger]), b = try runCLI(["ledger"] + args + ["--ledger", url])
      #expect(a.status == 0 && b.status == 0)
      #expect(a.stdout == b.stdout, "ledger \(args.joined(separator: " ")) differs after migration")
    }
  }
}

/// The test server's databases, as in the ledger tests (`SUBSIDY_TEST_POSTGRES`).
enum PostgresForBatch {
  static var url: String? { ProcessInfo.processInfo.environment["SUBSIDY_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }

  static func freshDatabase() throws -> String {
    let base = try #require(url)
    let name = "batch_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    try PostgresSession(try PostgresAddress(url: base)).query("CREATE DATABASE \(name)")
    var components = try #require(URLComponents(string: base))
    components.path = "/" + name
    return try #require(components.string)
  }

  static func drop(_ database: String) {
    guard let base = url, let name = URLComponents(string: database)?.path.dropFirst(), !name.isEmpty else { return }
    _ = try? PostgresSession(try PostgresAddress(url: base)).query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
  }
}
