import Foundation
import Testing
@testable import Ledger
@testable import LedgerPostgres

/// Commits racing on one ledger from several threads, through one store or
/// through separate connections, never pay a key twice.
@Suite struct ConcurrencyTests {
  /// Collects results from worker threads.
  final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var summaries: [CommitSummary] = []
    private var errors: [String] = []

    func add(_ summaries: [CommitSummary]) { lock.withLock { self.summaries += summaries } }
    func fail(_ error: Error) { lock.withLock { errors.append(String(describing: error)) } }
    var all: ([CommitSummary], [String]) { lock.withLock { (summaries, errors) } }
  }

  /// Runs `work(i)` on `count` threads at once and waits for all of them.
  static func onThreads(_ count: Int, _ work: @escaping @Sendable (Int) throws -> [CommitSummary]) -> ([CommitSummary], [String]) {
    let results = Results()
    let group = DispatchGroup()
    for index in 0..<count {
      group.enter()
      Thread {
        defer { group.leave() }
        do { results.add(try work(index)) } catch { results.fail(error) }
      }.start()
    }
    group.wait()
    return results.all
  }

  @Test(arguments: StoreKind.configured)
  func twoStoresOnOneLedgerCommittingOverlappingKeysPayEachOnce(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let location = ledger.location
    // Thread 0 pays 0..<600, thread 1 pays 300..<900: 300 keys contested.
    let (summaries, errors) = Self.onThreads(2) { index in
      let store = try LedgerOpening.open(location, createIfMissing: false)
      return try StressLoad.run(store: store, batches: 6, rows: 100, keyOffset: index * 300, batchPrefix: "t\(index)")
    }
    #expect(errors.isEmpty)
    #expect(summaries.count == 12)
    #expect(summaries.reduce(0) { $0 + $1.inserted } == 900)
    #expect(summaries.reduce(0) { $0 + $1.alreadyPaid } == 300)
    let payments = try ledger.reopen().payments(filter: .all)
    #expect(payments.count == 900)
    #expect(Set(payments.map(\.record.key)).count == 900)
  }

  @Test(arguments: StoreKind.configured) func oneStoreSharedByFourThreadsPaysEachKeyOnce(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    // Every thread tries the same 400 keys.
    let (summaries, errors) = Self.onThreads(4) { index in
      try StressLoad.run(store: store, batches: 4, rows: 100, batchPrefix: "s\(index)")
    }
    #expect(errors.isEmpty)
    #expect(summaries.reduce(0) { $0 + $1.inserted } == 400)
    #expect(summaries.reduce(0) { $0 + $1.alreadyPaid } == 1200)
    #expect(try store.payments(filter: .all).count == 400)
    #expect(try store.batches().count == 16)
  }

  /// A new file must be switched to WAL and migrated exactly once, even when
  /// several connections open it at the same moment.
  @Test(arguments: StoreKind.configured) func fourStoresOpeningANewLedgerAtOnceAllSucceed(_ kind: StoreKind) throws {
    for round in 0..<5 {
      // An empty file or database: each of the four connections creates the ledger, or finds it made.
      let directory = try TemporaryDirectory()
      defer { directory.remove() }
      let path: String
      switch kind {
      case .sqlite: path = directory.path("ledger.sqlite")
      case .postgres:
        guard TestPostgres.isConfigured else { try Test.cancel(TestPostgres.skipReason) }
        path = try TestPostgres.freshDatabase()
      }
      defer { if kind == .postgres { TestPostgres.drop(path) } }
      let (summaries, errors) = Self.onThreads(4) { index in
        let store = try LedgerOpening.open(path, createIfMissing: true)
        return try [Sample.commit(store, "open-\(round)-\(index)", [Sample.payment("P\(index % 2)")])]
      }
      #expect(errors.isEmpty, "round \(round)")
      #expect(summaries.reduce(0) { $0 + $1.inserted } == 2)
      if kind == .sqlite { #expect(try LedgerStore(path: path).integrityCheck() == ["ok"]) }
    }
  }

  @Test(arguments: StoreKind.configured) func paidKeysAnswersForAHundredThousandKeys(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    _ = try store.commit(Sample.batch("big")) { transaction in
      _ = try transaction.record((0..<20_000).map { StressLoad.payment($0 * 5) })
    }
    let keys = (0..<100_000).map { "stress|\($0)" }
    let start = ContinuousClock.now
    let paid = try store.paidKeys(among: keys)
    let elapsed = ContinuousClock.now - start
    #expect(paid.count == 20_000)
    #expect(paid.contains("stress|99995") && !paid.contains("stress|99996"))
    #expect(elapsed < .seconds(10), "paidKeys for 100k keys took \(elapsed)")
  }
}
