import Foundation
import Testing
@testable import Ledger
@testable import LedgerPostgres

/// The ledger against real processes: a `subsidy ledger stress` child is
/// SIGKILLed in the middle of a commit, and two children commit to one
/// ledger at once. Needs the `subsidy` executable, which `swift test` builds.
@Suite(.serialized) struct KillTests {
  static let rows = 200

  func stress(_ path: String, prefix: String, batches: Int, keyOffset: Int, delayUs: Int) throws -> ChildProcess {
    let binary = try #require(SubsidyBinary.url, "the `subsidy` executable was not found next to the test bundle")
    return try ChildProcess(binary, [
      "ledger", "stress", "--ledger", path, "--batches", String(batches), "--rows", String(Self.rows),
      "--key-offset", String(keyOffset), "--batch-prefix", prefix, "--delay-us", String(delayUs),
    ])
  }

  /// Three rounds on one ledger. Each child commits 200-row batches, sleeping
  /// 2 ms per row; when it prints `half ID` it is inside batch ID's open
  /// transaction with 100 rows recorded and ~200 ms still to go, and the test
  /// SIGKILLs it there. After each kill the reopened ledger must pass
  /// `integrity_check`, hold exactly the batches the child reported
  /// committed, each with all 200 payments, and nothing of the killed batch.
  @Test(arguments: StoreKind.configured) func killDuringCommitLeavesOnlyCompleteBatches(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let path = ledger.location
    var expectedBatches: Set<String> = []
    for round in 0..<3 {
      let prefix = "r\(round)"
      let killed = "\(prefix)-\(min(round, 1))"  // round 0 dies in its first batch
      let child = try stress(path, prefix: prefix, batches: 5, keyOffset: round * 10_000, delayUs: 2_000)
      let reached = child.readLines { $0 == "half \(killed)" }
      try #require(reached, "the child ended before `half \(killed)`: \(child.standardError)")
      child.killNow()
      #expect(child.wasKilled)

      let store = try ledger.reopen()
      if kind == .sqlite { #expect(try LedgerStore(path: path).integrityCheck() == ["ok"]) }
      let committed = Set(child.commits.map(\.id))
      #expect(!committed.contains(killed))
      expectedBatches.formUnion(committed)
      let batches = try store.batches()
      #expect(Set(batches.map(\.info.id)) == expectedBatches)
      for batch in batches {
        #expect(batch.paymentCount == Self.rows, "batch \(batch.info.id) is partial: \(batch.paymentCount) of \(Self.rows)")
      }
      #expect(try store.payments(filter: .all).count == expectedBatches.count * Self.rows)
    }

    // The ledger still takes batches, and a re-run of the last round pays its
    // committed batch nothing and its killed batch in full.
    let rerun = try stress(path, prefix: "rerun", batches: 2, keyOffset: 20_000, delayUs: 0)
    #expect(rerun.finish() == 0)
    #expect(rerun.commits.map(\.inserted) == [0, Self.rows])
    #expect(rerun.commits.map(\.already) == [Self.rows, 0])
    let store = try ledger.reopen()
    let keys = try store.payments(filter: .all).map(\.record.key)
    #expect(keys.count == Set(keys).count)
    if kind == .sqlite { #expect(try LedgerStore(path: path).integrityCheck() == ["ok"]) }
  }

  /// Two processes start together on a new ledger (racing to create and
  /// migrate it) and commit overlapping keys: 0..<1000 and 500..<1500.
  @Test(arguments: StoreKind.configured) func twoProcessesCommittingOverlappingKeysNeverDoublePay(_ kind: StoreKind) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path: String
    switch kind {
    case .sqlite: path = directory.path("ledger.sqlite")
    case .postgres:
      guard TestPostgres.isConfigured else { try Test.cancel(TestPostgres.skipReason) }
      path = try TestPostgres.freshDatabase()  // empty: the two race to create the ledger
    }
    defer { if kind == .postgres { TestPostgres.drop(path) } }
    let first = try stress(path, prefix: "A", batches: 5, keyOffset: 0, delayUs: 100)
    let second = try stress(path, prefix: "B", batches: 5, keyOffset: 500, delayUs: 100)
    #expect(first.finish() == 0, "\(first.standardError)")
    #expect(second.finish() == 0, "\(second.standardError)")
    let commits = first.commits + second.commits
    #expect(commits.count == 10)
    #expect(commits.reduce(0) { $0 + $1.inserted } == 1_500)
    #expect(commits.reduce(0) { $0 + $1.already } == 500)

    let store = try LedgerOpening.openForReading(path)
    let keys = try store.payments(filter: .all).map(\.record.key)
    #expect(keys.count == 1_500)
    #expect(Set(keys) == Set((0..<1_500).map { "stress|\($0)" }))
    if kind == .sqlite { #expect(try LedgerStore(path: path).integrityCheck() == ["ok"]) }
  }
}
