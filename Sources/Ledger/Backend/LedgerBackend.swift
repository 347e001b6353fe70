/// The ledger's storage, behind one protocol so the CLI, the batch runner and every ledger test
/// work the same on the embedded SQLite file (`LedgerStore`) and on a shared PostgreSQL server
/// (`PostgresLedger`). Each implementation keeps the same guarantees in its own database: a batch
/// is one transaction, a key is paid at most once while not voided (a unique partial index, not a
/// convention), payments and batches are never updated or deleted except for a void with a reason,
/// and the schema comes from named, append-only migrations.
public protocol LedgerBackend: AnyObject, Sendable {
  /// Where the ledger is, as shown to a person: a file path, or a PostgreSQL URL without its password.
  var location: String { get }

  /// Of `keys`, those already paid and not voided, as of now.
  func paidKeys(among keys: [String]) throws -> Set<String>

  /// One transaction for a whole batch: `body` may record many times; if it throws, or the process
  /// dies, nothing of the batch is kept. A batch id the ledger holds is `LedgerError.duplicateBatch`.
  func commit(_ batch: BatchInfo, _ body: (any LedgerWriting) throws -> Void) throws -> CommitSummary

  /// Payments matching `filter`, oldest (lowest id) first, with their batch's provenance.
  func payments(filter: PaymentFilter) throws -> [StoredPayment]

  /// Count and sum by policy, rule and funding.
  func summary(filter: PaymentFilter) throws -> [SummaryRow]

  /// Every committed batch, oldest first.
  func batches() throws -> [StoredBatch]

  /// Voids a payment with a reason; its key may then be paid again.
  func void(paymentID: Int64, reason: String) throws
}

/// The view of the ledger inside one batch's transaction (`LedgerBackend.commit`'s body). Using it
/// after the body returned throws `LedgerError.transactionClosed`.
public protocol LedgerWriting: AnyObject {
  /// Keys already paid, including by payments recorded earlier in this transaction.
  func paidKeys(among keys: [String]) throws -> Set<String>

  /// Payments as this transaction sees them.
  func payments(filter: PaymentFilter) throws -> [StoredPayment]

  /// Inserts payments whose key is not yet paid; per record, true if inserted, false if already
  /// paid (by an earlier or a concurrent batch, earlier in this one, or earlier in `payments`).
  func record(_ payments: [PaymentRecord]) throws -> [Bool]

  /// Why the ledger disagrees with a claim (the id had another number, or the number another id), or nil.
  func identityConflict(_ claim: IdentityRecord) throws -> IdentityConflict?

  /// Records a claim the ledger agreed with (nothing if the id is already recorded with it).
  func recordIdentity(_ claim: IdentityRecord) throws

  /// A hint that `identityConflict` is about to be asked about these claims: a store a round trip
  /// away (PostgreSQL) looks them all up at once instead of one query per claim.
  func prefetchIdentities(_ claims: [IdentityRecord]) throws
}

extension LedgerWriting {
  /// SQLite reads its own file: one indexed lookup per claim costs microseconds, nothing to prefetch.
  public func prefetchIdentities(_ claims: [IdentityRecord]) throws {}
}

extension LedgerStore: LedgerBackend {
  public var location: String { path }
}

extension LedgerTransaction: LedgerWriting {}
