import Foundation
import Testing
@testable import Ledger

/// Voiding keeps history: the row stays, and its key can be paid again.
@Suite struct VoidTests {
  @Test(arguments: StoreKind.configured) func voidThenRepayKeepsTheVoidedRow(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    let payment = Sample.payment("P1")
    try Sample.commit(store, "b1", [payment])
    let paid = try #require(try store.payments(filter: .all).first)
    try store.void(paymentID: paid.id, reason: "  wrong bank account  ")
    #expect(try store.paidKeys(among: [payment.key]).isEmpty)
    #expect(try store.payments(filter: .all).isEmpty)
    #expect(try Sample.commit(store, "b2", [payment]).inserted == 1)

    let all = try store.payments(filter: PaymentFilter(includeVoided: true))
    #expect(all.count == 2)
    #expect(all[0].id == paid.id && all[0].isVoided && all[0].voidReason == "wrong bank account")
    #expect(all[1].batchID == "b2" && !all[1].isVoided)
    #expect(try store.paidKeys(among: [payment.key]) == [payment.key])
    #expect(try store.batches().map(\.voidedCount) == [1, 0])
    #expect(try store.summary(filter: .all).map(\.count) == [1])
  }

  @Test(arguments: StoreKind.configured) func voidRefusesUnknownRepeatedAndReasonless(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    try Sample.commit(store, "b1", [Sample.payment("P1")])
    let id = try #require(try store.payments(filter: .all).first).id
    #expect(throws: LedgerError.noSuchPayment(999)) { try store.void(paymentID: 999, reason: "x") }
    #expect(throws: LedgerError.emptyReason) { try store.void(paymentID: id, reason: " ") }
    try store.void(paymentID: id, reason: "duplicate")
    #expect(throws: LedgerError.alreadyVoided(id)) { try store.void(paymentID: id, reason: "again") }
  }
}
