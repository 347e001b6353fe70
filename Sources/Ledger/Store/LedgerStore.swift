import PolicySupport
import Foundation
import GRDB

/// The payout ledger: one SQLite file in WAL mode, opened through a GRDB
/// `DatabasePool` so readers (list, summary, `paidKeys`) never wait for a
/// committing batch and a batch never waits for them.
///
/// Safety comes from SQLite rather than from this process: a batch is one
/// IMMEDIATE transaction, so two committers (threads or processes) take turns
/// and the second waits up to `busyTimeout` instead of failing; a process
/// killed mid-commit leaves an uncommitted WAL tail that SQLite discards on
/// the next open; and the unique partial index refuses a second payment of a
/// key even if a caller skipped `paidKeys`.
public final class LedgerStore: Sendable {
  /// How long a commit waits for another process's batch before giving up.
  public static let busyTimeout: TimeInterval = 60

  /// The file the ledger lives in.
  public let path: String
  /// Where reads go: the pool, or a read-only connection for a store opened `readOnly`.
  private let reader: any DatabaseReader
  /// Nil for a read-only store: nothing it does can write the file.
  private let pool: DatabasePool?

  /// Opens the ledger at `path`, creating it if needed, and applies any
  /// migrations it lacks.
  public convenience init(path: String) throws {
    try self.init(path: path, createIfMissing: true)
  }

  /// Opens the ledger at `path`. With `createIfMissing: false` a missing file
  /// is `LedgerError.missingFile`, so a reading command with a mistyped
  /// `--ledger` says so instead of showing an empty new ledger.
  public init(path: String, createIfMissing: Bool) throws {
    if !createIfMissing && !FileManager.default.fileExists(atPath: path) {
      throw LedgerError.missingFile(path)
    }
    try LedgerFile.createPrivate(path)
    var configuration = Configuration()
    configuration.busyMode = .timeout(Self.busyTimeout)
    configuration.foreignKeysEnabled = true
    configuration.label = "ledger"
    self.path = path
    let pool = try Self.open(path: path, configuration: configuration)
    self.pool = pool
    self.reader = pool
  }

  /// Opens an existing ledger for reading only (list, summary, export, batches): nothing is
  /// migrated or written, so a ledger the user may only read (a read-only file or folder, a
  /// copy on a read-only share) can still be listed and exported.
  public init(readingAt path: String) throws {
    guard FileManager.default.fileExists(atPath: path) else { throw LedgerError.missingFile(path) }
    var configuration = Configuration()
    configuration.readonly = true
    configuration.busyMode = .timeout(Self.busyTimeout)
    configuration.label = "ledger (read-only)"
    self.path = path
    let queue: DatabaseQueue
    do {
      queue = try Self.openReadOnly(path, configuration)
    } catch let error as DatabaseError where Self.mayReadImmutable(error, path) {
      // SQLite reads a WAL ledger through a `-shm` file it must be able to create; in a folder the
      // user may not write it cannot. With no `-wal` file there is nothing beyond the main file to
      // read, so it is read as an unchanging file instead.
      queue = try Self.openReadOnly("file:" + Self.uriEscaped(path) + "?immutable=1", configuration)
    }
    self.pool = nil
    self.reader = queue
  }

  private static func openReadOnly(_ path: String, _ configuration: Configuration) throws -> DatabaseQueue {
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    let migrated = try queue.read { db in try LedgerSchema.migrator.hasCompletedMigrations(db) }
    guard migrated else { throw LedgerError.damaged(path, LocalizedText("it lacks the ledger's tables or an update of them", zh: "缺少台账的表或表的更新")) }
    return queue
  }

  private static func mayReadImmutable(_ error: DatabaseError, _ path: String) -> Bool {
    let code = error.resultCode
    guard code == .SQLITE_READONLY || code == .SQLITE_CANTOPEN else { return false }
    let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber
    return wal == nil || wal?.intValue == 0
  }

  private static func uriEscaped(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "?#%")
    return absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
  }

  /// Opens the pool, migrates, and asks for FULL sync, retrying while another
  /// process holds the file. A new file has to be switched to WAL, which needs
  /// an exclusive lock that SQLite refuses without waiting (its busy handler
  /// is skipped to avoid deadlock) when a second process is opening it too.
  private static func open(path: String, configuration: Configuration) throws -> DatabasePool {
    var attempts = 0
    while true {
      do {
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrate(pool)
        // GRDB chooses NORMAL for WAL; FULL makes a batch reported as
        // committed survive a power cut too, not only a killed process.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
      } catch let error as DatabaseError where isContention(error) && attempts < 100 {
        attempts += 1
        usleep(UInt32.random(in: 5_000...50_000))
      }
    }
  }

  private static func isContention(_ error: DatabaseError) -> Bool {
    error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
  }

  /// Runs the migrations. Two processes opening a new ledger at once can both
  /// see it unmigrated; the loser's migration fails on the winner's tables and
  /// rolls back, and a second pass then finds everything applied.
  private static func migrate(_ pool: DatabasePool) throws {
    let migrator = LedgerSchema.migrator
    var attempts = 0
    while true {
      do {
        try migrator.migrate(pool)
        return
      } catch {
        attempts += 1
        if attempts >= 3 { throw error }
      }
    }
  }

  /// Of `keys`, those already paid and not voided, as of now. A batch uses
  /// this to mark results `already_paid` before committing; `record` checks
  /// again inside the transaction, so a race between the two is harmless.
  public func paidKeys(among keys: [String]) throws -> Set<String> {
    try reader.read { db in try KeyLookup.paidKeys(db, among: keys) }
  }

  /// A read on the store's snapshot, for exports within the module.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    try reader.read(body)
  }

  /// The pool, for writing; a read-only store refuses.
  private func writer() throws -> DatabasePool {
    guard let pool else { throw LedgerError.readOnly(path) }
    return pool
  }

  /// One write transaction for a whole batch: `body` is called with a
  /// transaction object and may call it many times; if `body` throws, or the
  /// process dies, nothing of the batch is kept. Serialises with other commits
  /// (BEGIN IMMEDIATE), waiting up to `busyTimeout` for another process.
  public func commit(_ batch: BatchInfo, _ body: (any LedgerWriting) throws -> Void) throws -> CommitSummary {
    try writer().writeWithoutTransaction { db in
      var summary: CommitSummary?
      try db.inTransaction(.immediate) {
        let startedAt = Timestamp.iso()
        // Inside the transaction, so no one can damage it between the check and the payments.
        try LedgerIntegrity.check(db, path: path)
        try checkNewBatch(db, batch.id)
        let transaction = LedgerTransaction(db: db, batchID: batch.id, recordedAt: startedAt)
        defer { transaction.close() }
        try body(transaction)
        try insertBatch(db, batch, startedAt: startedAt, committedAt: Timestamp.iso())
        summary = CommitSummary(
          batchID: batch.id, inserted: transaction.inserted,
          alreadyPaid: transaction.alreadyPaid, totalFen: transaction.totalFen)
        return .commit
      }
      guard let summary else { throw LedgerError.transactionClosed }
      return summary
    }
  }

  /// Refuses a batch id the ledger already holds before any work is done.
  private func checkNewBatch(_ db: Database, _ id: String) throws {
    let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM batch WHERE id = ?)", arguments: [id]) ?? false
    guard !exists else { throw LedgerError.duplicateBatch(id) }
  }

  /// The batch row goes in last, inside the same transaction as its
  /// payments (their foreign key is checked at COMMIT), so it is written once
  /// with its final times and no reader ever sees a batch without them.
  private func insertBatch(_ db: Database, _ batch: BatchInfo, startedAt: String, committedAt: String) throws {
    try db.execute(
      sql: """
        INSERT INTO batch (id, source, engine_version, policy_hash, as_of, started_at, committed_at, payer)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [batch.id, batch.source, batch.engineVersion, batch.policyHash, batch.asOf, startedAt, committedAt, batch.payer])
  }

  /// Payments matching `filter`, oldest first, with their batch's provenance.
  public func payments(filter: PaymentFilter) throws -> [StoredPayment] {
    try reader.read { db in try PaymentQueries.payments(db, filter: filter) }
  }

  /// Count and sum by policy, rule and funding.
  public func summary(filter: PaymentFilter) throws -> [SummaryRow] {
    try reader.read { db in try PaymentQueries.summary(db, filter: filter) }
  }

  /// Every committed batch, oldest first.
  public func batches() throws -> [StoredBatch] {
    try reader.read { db in try PaymentQueries.batches(db) }
  }

  /// Marks a payment voided with a reason. The row stays (the schema refuses
  /// deletes); its key is free to be paid again by a later batch.
  public func void(paymentID: Int64, reason: String) throws {
    let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !reason.isEmpty else { throw LedgerError.emptyReason }
    try writer().write { db in
      let row = try Row.fetchOne(db, sql: "SELECT voided_at FROM payment WHERE id = ?", arguments: [paymentID])
      guard let row else { throw LedgerError.noSuchPayment(paymentID) }
      let voidedAt: String? = try row.decode(forColumn: "voided_at")
      guard voidedAt == nil else { throw LedgerError.alreadyVoided(paymentID) }
      try db.execute(
        sql: "UPDATE payment SET voided_at = ?, void_reason = ? WHERE id = ?",
        arguments: [Timestamp.iso(), reason, paymentID])
    }
  }

  /// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound file, otherwise
  /// the problems it found. For audits and for the crash tests.
  public func integrityCheck() throws -> [String] {
    try reader.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
  }
}
