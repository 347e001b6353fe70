import PolicySupport
import Ledger
import Foundation
import PostgresNIO

/// The payout ledger on a PostgreSQL server, shared by every county office that points
/// `--ledger` at it: the same tables, guarantees and answers as the SQLite `LedgerStore`.
///
/// - A batch is one transaction; if the process dies the server rolls it back, so only whole
///   batches exist.
/// - Commits take turns on one advisory lock (`PostgresSchema.writerLock`), as SQLite's commits do;
///   reads never wait. Keys go in with `INSERT … ON CONFLICT DO NOTHING RETURNING key` against the
///   unique partial index, so a key another batch already paid comes back as `already_paid`.
/// - Before every commit the index and the append-only triggers are checked to be in place.
public final class PostgresLedger: LedgerBackend, @unchecked Sendable {
  // Unchecked: the session is used under `lock`, one caller at a time; the other properties are `let`s.
  public let address: PostgresAddress
  /// One connection, used by one thread at a time (the ledger's API is synchronous).
  let session: PostgresSession
  private let lock = NSLock()

  public var location: String { address.description }

  /// Connects, and creates or updates the schema unless `readOnly`. A read-only ledger (list,
  /// summary, export) must already be there: a mistyped database is an error, not an empty ledger.
  public init(_ address: PostgresAddress, readOnly: Bool = false) throws {
    self.address = address
    session = try PostgresSession(address)
    if readOnly {
      guard try Self.appliedMigrations(session) != nil else { throw LedgerError.missingFile(address.description) }
    } else {
      try Self.migrate(session, identityKey: PostgresSchema.randomKey())
    }
  }

  /// For `ledger migrate`: a session on a database that must not hold a ledger yet.
  init(creatingAt address: PostgresAddress, session: PostgresSession) {
    self.address = address
    self.session = session
  }

  public convenience init(url: String, readOnly: Bool = false) throws {
    let address: PostgresAddress
    do { address = try PostgresAddress(url: url) } catch let error as PostgresAddress.Invalid {
      throw LedgerError.server(PostgresAddress.redacted(url), error.text)
    }
    try self.init(address, readOnly: readOnly)
  }

  private func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  // MARK: Schema

  /// The names in `ledger_migration`, in order, or nil when the database has no ledger.
  static func appliedMigrations(_ session: PostgresSession) throws -> [String]? {
    let exists = try session.query("SELECT to_regclass('ledger_migration') IS NOT NULL AS present")
    guard try exists.first?.value("present", as: Bool.self) == true else { return nil }
    return try session.query("SELECT name FROM ledger_migration ORDER BY position").map { try $0.value("name", as: String.self) }
  }

  /// Applies the migrations the ledger lacks, in one transaction under the writer lock, so two
  /// processes opening a new ledger at once do not both create it.
  static func migrate(_ session: PostgresSession, identityKey: [UInt8]) throws {
    try session.transaction {
      try session.query("SELECT pg_advisory_xact_lock($1)") { $0.append(PostgresSchema.writerLock) }
      try applyMigrations(session, identityKey: identityKey)
    }
  }

  /// The migrations a ledger lacks, inside the caller's transaction (which holds the writer lock).
  static func applyMigrations(_ session: PostgresSession, identityKey: [UInt8]) throws {
    do {
      try session.query("""
        CREATE TABLE IF NOT EXISTS ledger_migration (
          position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)
        """)
      let applied = try appliedMigrations(session) ?? []
      let all = PostgresSchema.migrations(identityKey: identityKey)
      guard applied.count <= all.count, zip(applied, all).allSatisfy({ $0 == $1.name }) else {
        let found = applied.joined(separator: ", "), known = all.map(\.name).joined(separator: ", ")
        throw LedgerError.damaged(session.address.description, LocalizedText(
          "its migrations (\(found)) are not this build's (\(known)); a newer build may have written it",
          zh: "它的迁移（`\(found)`）与本版本的（`\(known)`）不同；可能是较新的版本写入的"))
      }
      for (position, migration) in all.enumerated().dropFirst(applied.count) {
        for statement in migration.statements { try session.query(statement) }
        try session.query("INSERT INTO ledger_migration (position, name, applied_at) VALUES ($1, $2, $3)") {
          $0.append(position + 1)
          $0.append(migration.name)
          $0.append(Timestamp.iso())
        }
      }
    }
  }

  /// Refuses to commit to a ledger whose unique index or append-only triggers were dropped,
  /// disabled or changed, or whose migrations are incomplete.
  static func checkIntegrity(_ session: PostgresSession) throws {
    let address = session.address.description
    let applied = try appliedMigrations(session) ?? []
    let expected = PostgresSchema.migrations(identityKey: []).map(\.name)
    guard applied == expected else { throw LedgerError.damaged(address, LocalizedText("it lacks the ledger's tables or an update of them", zh: "缺少台账的表或表的更新")) }
    let index = try session.query("""
      SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'payment_key_unvoided'
      """)
    guard let definition = try index.first?.value("indexdef", as: String.self),
      definition.hasPrefix("CREATE UNIQUE INDEX"), definition.hasSuffix("(key) WHERE (voided_at IS NULL)")
    else { throw LedgerError.damaged(address, LocalizedText("its index `payment_key_unvoided` is missing or not the one the ledger was created with",
                                                           zh: "索引 `payment_key_unvoided` 缺失或与创建台账时的不同"))  }
    let triggers = try session.query("""
      SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relnamespace = current_schema()::regnamespace
      """).map { try $0.value("tgname", as: String.self) }
    if let missing = PostgresSchema.requiredTriggers.first(where: { !triggers.contains($0) }) {
      throw LedgerError.damaged(address, LocalizedText("its trigger `\(missing)` is missing or disabled", zh: "触发器 `\(missing)` 缺失或被停用"))
    }
  }

  // MARK: LedgerBackend

  public func paidKeys(among keys: [String]) throws -> Set<String> {
    try locked { try PostgresQueries.paidKeys(session, among: keys) }
  }

  public func commit(_ batch: BatchInfo, _ body: (any LedgerWriting) throws -> Void) throws -> CommitSummary {
    try locked {
      try session.transaction {
        try session.query("SELECT pg_advisory_xact_lock($1)") { $0.append(PostgresSchema.writerLock) }
        let startedAt = Timestamp.iso()
        try Self.checkIntegrity(session)
        let exists = try session.query("SELECT 1 AS one FROM batch WHERE id = $1") { $0.append(batch.id) }
        guard exists.isEmpty else { throw LedgerError.duplicateBatch(batch.id) }
        let transaction = PostgresTransaction(session: session, batchID: batch.id, recordedAt: startedAt)
        defer { transaction.close() }
        try body(transaction)
        try transaction.flushIdentities()
        try session.query("""
          INSERT INTO batch (id, source, engine_version, policy_hash, as_of, started_at, committed_at, payer)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
          """) {
          for value in [batch.id, batch.source, batch.engineVersion, batch.policyHash, batch.asOf, startedAt, Timestamp.iso(), batch.payer] {
            $0.append(value)
          }
        }
        return CommitSummary(batchID: batch.id, inserted: transaction.inserted, alreadyPaid: transaction.alreadyPaid, totalFen: transaction.totalFen)
      }
    }
  }

  public func payments(filter: PaymentFilter) throws -> [StoredPayment] {
    try locked { try PostgresQueries.payments(session, filter: filter) }
  }

  public func summary(filter: PaymentFilter) throws -> [SummaryRow] {
    try locked { try PostgresQueries.summary(session, filter: filter) }
  }

  public func batches() throws -> [StoredBatch] {
    try locked { try PostgresQueries.batches(session) }
  }

  /// A void is a new row in `payment_void`; its trigger marks the payment, whose key is then free.
  public func void(paymentID: Int64, reason: String) throws {
    let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !reason.isEmpty else { throw LedgerError.emptyReason }
    try locked {
      try session.transaction {
        try session.query("SELECT pg_advisory_xact_lock($1)") { $0.append(PostgresSchema.writerLock) }
        let rows = try session.query("SELECT voided_at FROM payment WHERE id = $1") { $0.append(paymentID) }
        guard let row = rows.first else { throw LedgerError.noSuchPayment(paymentID) }
        guard try row.value("voided_at", as: String?.self) == nil else { throw LedgerError.alreadyVoided(paymentID) }
        try session.query("INSERT INTO payment_void (payment_id, voided_at, reason) VALUES ($1, $2, $3)") {
          $0.append(paymentID)
          $0.append(Timestamp.iso())
          $0.append(reason)
        }
      }
    }
  }
}
