import GRDB

/// The view of the ledger inside one batch's write transaction.
///
/// It exists only during `LedgerStore.commit`'s body: everything it records
/// becomes visible to others when the whole batch commits, or never. Use after
/// the body returns throws `LedgerError.transactionClosed` rather than touching
/// a connection that belongs to someone else by then.
public final class LedgerTransaction {
  let db: Database
  let batchID: String
  let recordedAt: String
  private var isOpen = true
  private(set) var inserted = 0
  private(set) var alreadyPaid = 0
  private(set) var totalFen: Int64 = 0

  init(db: Database, batchID: String, recordedAt: String) {
    self.db = db
    self.batchID = batchID
    self.recordedAt = recordedAt
  }

  func close() { isOpen = false }

  /// Keys already paid (inside this transaction's view, including payments
  /// recorded earlier in it).
  public func paidKeys(among keys: [String]) throws -> Set<String> {
    try checkOpen()
    return try KeyLookup.paidKeys(db, among: keys)
  }

  /// Payments as this transaction sees them, for limits that count earlier
  /// payments ("once per worker per year") without a race with other batches.
  public func payments(filter: PaymentFilter) throws -> [StoredPayment] {
    try checkOpen()
    return try PaymentQueries.payments(db, filter: filter)
  }

  /// Inserts payments whose key is not yet paid; returns, per record, true if
  /// inserted, false if already paid (by an earlier batch, earlier in this one,
  /// or earlier in `payments`). A negative amount or empty key throws, and the
  /// whole batch is then rolled back by `commit`.
  public func record(_ payments: [PaymentRecord]) throws -> [Bool] {
    try checkOpen()
    // ON CONFLICT DO NOTHING applies to uniqueness only, so a CHECK or
    // foreign-key failure still aborts instead of being silently skipped.
    let statement = try db.cachedStatement(sql: """
      INSERT INTO payment (key, policy, rule, clause, subject, beneficiary, payee, amount_fen,
        period, funding, eligible_from, explanation, batch_id, recorded_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO NOTHING
      """)
    var results: [Bool] = []
    results.reserveCapacity(payments.count)
    for payment in payments {
      guard !payment.key.isEmpty else { throw LedgerError.emptyKey }
      guard payment.amountFen >= 0 else { throw LedgerError.negativeAmount(key: payment.key, fen: payment.amountFen) }
      try statement.execute(arguments: [
        payment.key, payment.policy, payment.rule, payment.clause, payment.subject,
        payment.beneficiary, payment.payee, payment.amountFen, payment.period,
        payment.funding, payment.eligibleFrom, payment.explanation, batchID, recordedAt,
      ])
      let wasInserted = db.changesCount == 1
      if wasInserted {
        let (sum, overflow) = totalFen.addingReportingOverflow(payment.amountFen)
        guard !overflow else { throw LedgerError.amountOverflow }
        totalFen = sum
        inserted += 1
      } else {
        alreadyPaid += 1
      }
      results.append(wasInserted)
    }
    return results
  }

  func checkOpen() throws {
    guard isOpen else { throw LedgerError.transactionClosed }
  }
}
