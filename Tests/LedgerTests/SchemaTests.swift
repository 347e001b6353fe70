import Foundation
import GRDB
import Testing
@testable import Ledger

/// The schema is the last line of defence: these tests talk to the file with
/// plain SQL, as a stray `sqlite3` session would.
@Suite struct SchemaTests {
  @Test func migrationsCreateTablesIndexesAndTriggers() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("ledger.sqlite")
    _ = try LedgerStore(path: path)
    let queue = try DatabaseQueue(path: path)
    try queue.read { db in
      #expect(try db.tableExists("batch"))
      #expect(try db.tableExists("payment"))
      let columns = try db.columns(in: "payment").map(\.name)
      #expect(columns == [
        "id", "key", "policy", "rule", "clause", "subject", "beneficiary", "payee", "amount_fen", "period",
        "funding", "eligible_from", "explanation", "batch_id", "recorded_at", "voided_at", "void_reason",
      ])
      #expect(try db.columns(in: "batch").map(\.name) == ["id", "source", "engine_version", "policy_hash", "as_of", "started_at", "committed_at", "payer"])
      let indexSQL = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'payment_key_unvoided'")
      #expect(indexSQL?.contains("UNIQUE") == true)
      #expect(indexSQL?.contains("WHERE voided_at IS NULL") == true)
      let migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
      #expect(migrations == ["v1-batch-and-payment", "v1-append-only-triggers", "v2-identity", "v3-batch-payer"])
      #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
    }
  }

  @Test func reopeningAMigratedLedgerKeepsItsPayments() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("ledger.sqlite")
    try Sample.commit(LedgerStore(path: path), "b1", [Sample.payment("P1")])
    let reopened = try LedgerStore(path: path)
    #expect(try reopened.payments(filter: .all).map(\.record.beneficiary) == ["P1"])
  }

  @Test func readingAMissingLedgerDoesNotCreateIt() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("absent.sqlite")
    #expect(throws: LedgerError.missingFile(path)) { try LedgerStore(path: path, createIfMissing: false) }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test func theSchemaRefusesDoublePaymentDeletionAndRewrites() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("ledger.sqlite")
    try Sample.commit(LedgerStore(path: path), "b1", [Sample.payment("P1")])
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
      // A second unvoided row with the same key violates the unique index.
      #expect(throws: DatabaseError.self) {
        try db.execute(sql: """
          INSERT INTO payment (key, policy, rule, clause, subject, beneficiary, payee, amount_fen, period, explanation, batch_id, recorded_at)
          SELECT key, policy, rule, clause, subject, beneficiary, payee, amount_fen, period, explanation, batch_id, recorded_at FROM payment
          """)
      }
      #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM payment") }
      #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM batch") }
      #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE payment SET amount_fen = 1") }
      #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE batch SET payer = 'x'") }
      #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE payment SET voided_at = '2024-01-01T00:00:00Z'") }
      #expect(throws: DatabaseError.self) {
        try db.execute(sql: "INSERT INTO batch VALUES ('b2', 's', 'e', 'h', '2024-01-01', 't', 't', '')")
        try db.execute(sql: """
          INSERT INTO payment (key, policy, rule, clause, subject, beneficiary, payee, amount_fen, period, explanation, batch_id, recorded_at)
          VALUES ('k', 'p', 'r', 'c', 's', 'b', 'b', -1, 'once', '{}', 'b2', 't')
          """)
      }
    }
    #expect(try LedgerStore(path: path).payments(filter: .all).count == 1)
  }
}
