import Foundation
import GRDB
import Testing
@testable import Ledger
@testable import LedgerPostgres

/// What only the PostgreSQL ledger has to prove: its schema refuses what SQLite's refuses (talked to
/// with plain SQL, as a stray `psql` session would), a damaged ledger is refused before a commit,
/// and an SQLite ledger migrates once, reading the same afterwards.
@Suite(.enabled(if: TestPostgres.isConfigured, TestPostgres.skipReason), .serialized)
struct PostgresLedgerTests {
  func session(_ ledger: TestLedger) throws -> PostgresSession {
    try PostgresSession(try PostgresAddress(url: ledger.location))
  }

  @Test func migrationsAreNamedAndTheSchemaRefusesDoublePaymentDeletionAndRewrites() throws {
    let ledger = try TestLedger(.postgres)
    defer { ledger.remove() }
    try Sample.commit(ledger.store, "b1", [Sample.payment("P1")])
    let db = try session(ledger)
    #expect(try PostgresLedger.appliedMigrations(db) == ["v1-batch-and-payment", "v1-append-only-triggers", "v2-identity", "v3-batch-payer"])
    // Opening again applies nothing twice.
    _ = try ledger.reopen()
    #expect(try PostgresLedger.appliedMigrations(db)?.count == 4)
    #expect(throws: LedgerError.self) {
      try db.query("""
        INSERT INTO payment (key, policy, rule, clause, subject, beneficiary, payee, amount_fen, period, explanation, batch_id, recorded_at)
        SELECT key, policy, rule, clause, subject, beneficiary, payee, amount_fen, period, explanation, batch_id, recorded_at FROM payment
        """)
    }
    for statement in [
      "DELETE FROM payment", "DELETE FROM batch", "TRUNCATE payment CASCADE", "TRUNCATE batch CASCADE",
      "UPDATE payment SET amount_fen = 1", "UPDATE batch SET payer = 'x'",
      // A void by hand, without its row in payment_void, is refused.
      "UPDATE payment SET voided_at = '2024-01-01T00:00:00Z', void_reason = 'by hand'",
    ] {
      #expect(throws: LedgerError.self, "\(statement)") { try db.query(statement) }
    }
    #expect(throws: LedgerError.self) {
      try db.query("""
        INSERT INTO payment (key, policy, rule, clause, subject, beneficiary, payee, amount_fen, period, explanation, batch_id, recorded_at)
        VALUES ('k', 'p', 'r', 'c', 's', 'b', 'b', -1, 'once', '{}', 'b1', 't')
        """)
    }
    // A void is a row with its reason; it cannot be changed, deleted or made twice.
    let id = try #require(try ledger.store.payments(filter: .all).first).id
    try ledger.store.void(paymentID: id, reason: "wrong account")
    #expect(try db.query("SELECT reason FROM payment_void").first?.value("reason", as: String.self) == "wrong account")
    #expect(throws: LedgerError.self) { try db.query("UPDATE payment_void SET reason = 'other'") }
    #expect(throws: LedgerError.self) { try db.query("DELETE FROM payment_void") }
    #expect(throws: LedgerError.self) { try db.query("INSERT INTO payment_void VALUES (\(id), 't', 'again')") }
    let stored = try #require(try ledger.store.payments(filter: PaymentFilter(includeVoided: true)).first)
    #expect(stored.voidReason == "wrong account" && stored.isVoided)
  }

  @Test(arguments: [
    "DROP INDEX payment_key_unvoided",
    "ALTER TABLE payment DISABLE TRIGGER payment_only_voided",
    "DROP TRIGGER payment_never_deleted ON payment",
  ])
  func aDamagedLedgerIsRefusedBeforeACommit(_ damage: String) throws {
    let ledger = try TestLedger(.postgres)
    defer { ledger.remove() }
    try Sample.commit(ledger.store, "b1", [Sample.payment("P1")])
    try session(ledger).query(damage)
    #expect {
      try Sample.commit(ledger.store, "b2", [Sample.payment("P1"), Sample.payment("P2")])
    } throws: { error in
      guard case LedgerError.damaged(_, let problem) = error else { return false }
      return !problem.en.isEmpty && !problem.zh.isEmpty
    }
    #expect(try ledger.store.payments(filter: .all).count == 1)
  }

  @Test func aNewerLedgerIsRefused() throws {
    let ledger = try TestLedger(.postgres)
    defer { ledger.remove() }
    try session(ledger).query("INSERT INTO ledger_migration VALUES (99, 'v99-from-the-future', 't')")
    #expect(throws: LedgerError.self) { _ = try ledger.reopen() }
  }

  @Test func readingADatabaseWithoutALedgerDoesNotCreateOne() throws {
    let url = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(url) }
    #expect(throws: LedgerError.self) { _ = try LedgerOpening.openForReading(url) }
    #expect(throws: LedgerError.self) { _ = try LedgerOpening.open(url, createIfMissing: false) }
    #expect(try PostgresLedger.appliedMigrations(PostgresSession(PostgresAddress(url: url))) == nil)
  }

  /// An SQLite ledger with voids, a repaid key, a payer and identities moves to PostgreSQL: it
  /// lists, sums, exports and lists batches the same, keeps its identities, continues its ids,
  /// and a second migration into the same database is refused without changing it.
  @Test func aMigratedLedgerReadsTheSameAndIsMigratedOnce() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("county.sqlite")
    let source = try LedgerStore(path: path)
    let number = "533123199804010018"
    _ = try source.commit(BatchInfo(id: "b1", source: "a.csv", engineVersion: "1", policyHash: "h", asOf: "2024-06-30", payer: "433101")) { tx in
      _ = try tx.record((1...40).map { Sample.payment("P\($0)", fen: Int64(1_000 + $0)) })
      try tx.recordIdentity(IdentityRecord(kind: "person", id: "P1", number: number))
    }
    let first = try #require(try source.payments(filter: .all).first)
    try source.void(paymentID: first.id, reason: "银行账号错误")
    try Sample.commit(source, "b2", [Sample.payment("P1"), Sample.payment("P41", rule: "transport-subsidy", fen: 7)])
    let url = try TestPostgres.freshDatabase()
    defer { TestPostgres.drop(url) }

    let report = try LedgerMigration.run(from: path, to: url)
    #expect(report == LedgerMigration.Report(batches: 2, payments: 42, voids: 1, identities: 1))
    let target = try LedgerOpening.openForReading(url)
    let all = PaymentFilter(includeVoided: true)
    #expect(try target.payments(filter: all) == source.payments(filter: all))
    #expect(try target.summary(filter: .all) == source.summary(filter: .all))
    #expect(try target.batches() == source.batches())
    #expect(PaymentCSV.render(try target.payments(filter: all)) == PaymentCSV.render(try source.payments(filter: all)))
    #expect(try PaymentJSON.batches(target.batches()) == PaymentJSON.batches(source.batches()))

    // Run twice: refused, and nothing changed.
    #expect(throws: LedgerError.self) { _ = try LedgerMigration.run(from: path, to: url) }
    #expect(try target.payments(filter: all).count == 42)

    // The migrated ledger goes on: new ids after the copied ones, old keys paid, identities kept.
    let writer = try LedgerOpening.open(url, createIfMissing: false)
    _ = try writer.commit(Sample.batch("b3")) { tx in
      #expect(try tx.record([Sample.payment("P2"), Sample.payment("P99")]) == [false, true])
      let conflict = try tx.identityConflict(IdentityRecord(kind: "person", id: "P7", number: number))
      #expect(conflict?.description.contains("`P1`") == true)
    }
    // (Not necessarily max + 1: PostgreSQL's sequence also advances for a row ON CONFLICT skips.)
    let ids = try writer.payments(filter: all).map(\.id)
    let copiedMax = try source.payments(filter: all).map(\.id).max() ?? 0
    #expect(ids.count == 43 && ids.last.map { $0 > copiedMax } == true, "\(ids.suffix(3)) after \(copiedMax)")
  }
}

/// The address of a PostgreSQL ledger: libpq's variables fill what the URL leaves out, and the
/// password appears in no description or error. Needs no server.
@Suite struct PostgresAddressTests {
  @Test func urlsAndEnvironment() throws {
    let full = try PostgresAddress(url: "postgres://county:s3cret@db.example:6543/ledger", environment: [:])
    #expect(full.endpoint == .tcp(host: "db.example", port: 6543) && full.user == "county" && full.database == "ledger")
    #expect(full.password == "s3cret")
    #expect(full.description == "postgres://county@db.example:6543/ledger")
    let env = try PostgresAddress(url: "postgres://", environment: ["PGHOST": "10.0.0.5", "PGPORT": "5433", "PGUSER": "u", "PGPASSWORD": "pw", "PGDATABASE": "d"])
    #expect(env.endpoint == .tcp(host: "10.0.0.5", port: 5433) && env.user == "u" && env.password == "pw" && env.database == "d")
    let socket = try PostgresAddress(url: "postgresql://me@/ledger?host=/run/postgresql", environment: [:])
    #expect(socket.endpoint == .socket(path: "/run/postgresql/.s.PGSQL.5432"))
    #expect(socket.description == "postgres://me@/ledger?host=/run/postgresql")
    #expect(throws: PostgresAddress.Invalid.self) { try PostgresAddress(url: "postgres://u@h:99999/d", environment: [:]) }
    #expect(throws: PostgresAddress.Invalid.self) { try PostgresAddress(url: "postgres://u@h/d?sslmode=require", environment: [:]) }
    #expect(throws: PostgresAddress.Invalid.self) { try PostgresAddress(url: "postgres://u@h/d?options=x", environment: [:]) }
  }

  @Test func aFailedConnectionDoesNotShowThePassword() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let url = "postgres://county:TopSecret42@/ledger?host=\(directory.url.path)"
    do {
      _ = try PostgresLedger(url: url)
      Issue.record("connected to a socket that does not exist")
    } catch {
      let text = String(describing: error)
      #expect(!text.contains("TopSecret42"), "\(text)")
      #expect(text.contains("postgres://county@"), "\(text)")
    }
    #expect(!PostgresAddress.redacted("postgres://county:TopSecret42@h/d").contains("TopSecret42"))
  }
}
