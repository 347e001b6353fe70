import Foundation
import Testing
@testable import Ledger

/// A re-run pays nothing twice; a failed batch leaves nothing behind.
/// Each test runs against both stores (SQLite and PostgreSQL).
@Suite struct IdempotencyTests {
  @Test(arguments: StoreKind.configured) func recordedKeysAreReportedPaid(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    let payments = [Sample.payment("P1"), Sample.payment("P2")]
    let summary = try store.commit(Sample.batch("b1")) { transaction in
      let before = try transaction.paidKeys(among: payments.map(\.key))
      let flags = try transaction.record(payments)
      // Inside the transaction, its own payments already count.
      let after = try transaction.paidKeys(among: payments.map(\.key) + ["other"])
      #expect(before.isEmpty)
      #expect(flags == [true, true])
      #expect(after == Set(payments.map(\.key)))
    }
    #expect(summary == CommitSummary(batchID: "b1", inserted: 2, alreadyPaid: 0, totalFen: 100_000))
    #expect(try store.paidKeys(among: payments.map(\.key) + ["other"]) == Set(payments.map(\.key)))
  }

  @Test(arguments: StoreKind.configured) func committingTheSameBatchTwicePaysNothingTheSecondTime(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    let payments = (1...5).map { Sample.payment("P\($0)") }
    let first = try Sample.commit(store, "run-1", payments)
    let second = try Sample.commit(store, "run-2", payments)
    #expect(first.inserted == 5)
    #expect(second == CommitSummary(batchID: "run-2", inserted: 0, alreadyPaid: 5, totalFen: 0))
    #expect(try store.payments(filter: .all).count == 5)
    #expect(try store.batches().map(\.paymentCount) == [5, 0])
  }

  @Test(arguments: StoreKind.configured) func anOverlappingBatchPaysOnlyTheNewKeys(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    try Sample.commit(store, "run-1", (1...3).map { Sample.payment("P\($0)") })
    var flags: [Bool] = []
    let summary = try store.commit(Sample.batch("run-2")) { transaction in
      flags = try transaction.record((2...5).map { Sample.payment("P\($0)") })
    }
    #expect(flags == [false, false, true, true])
    #expect(summary.inserted == 2 && summary.alreadyPaid == 2 && summary.totalFen == 100_000)
  }

  @Test(arguments: StoreKind.configured) func aKeyRepeatedWithinOneBatchIsPaidOnce(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    let payment = Sample.payment("P1")
    let summary = try store.commit(Sample.batch("b1")) { transaction in
      let twice = try transaction.record([payment, payment])
      let again = try transaction.record([payment])
      #expect(twice == [true, false])
      #expect(again == [false])
    }
    #expect(summary.inserted == 1 && summary.alreadyPaid == 2)
  }

  @Test(arguments: StoreKind.configured) func aThrowingBodyLeavesNothing(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    struct Interrupted: Error {}
    #expect(throws: Interrupted.self) {
      _ = try store.commit(Sample.batch("b1")) { transaction in
        _ = try transaction.record((1...10).map { Sample.payment("P\($0)") })
        throw Interrupted()
      }
    }
    #expect(try store.payments(filter: PaymentFilter(includeVoided: true)).isEmpty)
    #expect(try store.batches().isEmpty)
    // The batch id was not used up, and the keys are still payable.
    #expect(try Sample.commit(store, "b1", [Sample.payment("P1")]).inserted == 1)
  }

  @Test(arguments: StoreKind.configured) func aNegativeAmountRollsBackTheWholeBatch(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    #expect(throws: LedgerError.negativeAmount(key: "yingjiang|employment-service-subsidy|P2|2024", fen: -1)) {
      try Sample.commit(store, "b1", [Sample.payment("P1"), Sample.payment("P2", fen: -1)])
    }
    #expect(throws: LedgerError.emptyKey) {
      var payment = Sample.payment("P3")
      payment.key = ""
      try Sample.commit(store, "b2", [payment])
    }
    #expect(try store.payments(filter: .all).isEmpty)
  }

  @Test(arguments: StoreKind.configured) func aBatchIDCannotBeCommittedTwice(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    try Sample.commit(store, "b1", [Sample.payment("P1")])
    #expect(throws: LedgerError.duplicateBatch("b1")) { try Sample.commit(store, "b1", [Sample.payment("P2")]) }
    #expect(try store.paidKeys(among: [Sample.payment("P2").key]).isEmpty)
  }

  @Test(arguments: StoreKind.configured) func theTransactionCannotBeUsedAfterItsCommit(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    var escaped: (any LedgerWriting)?
    _ = try store.commit(Sample.batch("b1")) { escaped = $0 }
    let transaction = try #require(escaped)
    #expect(throws: LedgerError.transactionClosed) { try transaction.record([Sample.payment("P1")]) }
  }

  @Test(arguments: StoreKind.configured) func paymentsKeepTheirProvenance(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    try Sample.commit(store, "b1", [Sample.payment("P1")])
    let stored = try #require(try store.payments(filter: .all).first)
    #expect(stored.record == Sample.payment("P1"))
    #expect(stored.batchID == "b1")
    #expect(stored.engineVersion == "0.1.0" && stored.policyHash == "sha256:abc123" && stored.asOf == "2024-06-30")
    #expect(stored.source == "examples/yingjiang.yaml")
    #expect(stored.recordedAt.hasSuffix("Z") && stored.recordedAt.count == 24)
    let batch = try #require(try store.batches().first)
    #expect(batch.info == Sample.batch("b1"))
    #expect(batch.startedAt <= batch.committedAt)
  }

  @Test(arguments: StoreKind.configured) func filtersAndSummary(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    try Sample.commit(store, "b1", [Sample.payment("P1"), Sample.payment("P2", rule: "transport-subsidy", fen: 40_000)])
    try Sample.commit(store, "b2", [Sample.payment("P3"), Sample.payment("P1", period: "2025")])
    #expect(try store.payments(filter: PaymentFilter(batch: "b2")).map(\.record.beneficiary) == ["P3", "P1"])
    #expect(try store.payments(filter: PaymentFilter(beneficiary: "P1")).count == 2)
    #expect(try store.payments(filter: PaymentFilter(rule: "transport-subsidy")).count == 1)
    #expect(try store.payments(filter: PaymentFilter(policy: "xiangxi")).isEmpty)
    #expect(try store.summary(filter: .all) == [
      SummaryRow(policy: "yingjiang", rule: "employment-service-subsidy", funding: "就业补助资金", count: 3, totalFen: 150_000),
      SummaryRow(policy: "yingjiang", rule: "transport-subsidy", funding: "就业补助资金", count: 1, totalFen: 40_000),
    ])
  }
}
