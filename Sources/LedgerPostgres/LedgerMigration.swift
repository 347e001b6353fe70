import PolicySupport
import Ledger
import PostgresNIO

/// `subsidy ledger migrate --from FILE --to postgres://…`: an SQLite ledger copied into a
/// PostgreSQL database that holds no ledger yet, keeping payment ids, batches (with their times),
/// voids and identities (their keyed hashes, under the same key, so they keep matching).
///
/// All of it is one transaction: the schema is created and filled together, so a migration that
/// fails or is killed leaves the database as it was, and a second run finds the ledger there and
/// is refused (`LedgerError.targetNotEmpty`) rather than copying anything twice.
public enum LedgerMigration {
  public struct Report: Sendable, Equatable {
    public var batches: Int
    public var payments: Int
    public var voids: Int
    public var identities: Int
  }

  static let chunk = 5_000

  public static func run(from path: String, to url: String) throws -> Report {
    let source = try LedgerStore(readingAt: path)
    let address: PostgresAddress
    do { address = try PostgresAddress(url: url) } catch let error as PostgresAddress.Invalid {
      throw LedgerError.server(PostgresAddress.redacted(url), error.text)
    }
    let session = try PostgresSession(address)
    let batches = try source.batches()
    let payments = try source.payments(filter: PaymentFilter(includeVoided: true))
    let identities = try source.identityExport()
    try session.transaction {
      try session.query("SELECT pg_advisory_xact_lock($1)") { $0.append(PostgresSchema.writerLock) }
      if let applied = try PostgresLedger.appliedMigrations(session), !applied.isEmpty {
        let count = try session.query("SELECT COUNT(*)::BIGINT AS n FROM batch").first?.value("n", as: Int64.self) ?? 0
        throw LedgerError.targetNotEmpty(address.description, batches: count)
      }
      try PostgresLedger.applyMigrations(session, identityKey: identities.key)
      for start in stride(from: 0, to: batches.count, by: chunk) {
        let part = batches[start..<min(start + chunk, batches.count)]
        try session.query("""
          INSERT INTO batch (id, source, engine_version, policy_hash, as_of, started_at, committed_at, payer)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
          """) { b in
          b.append(part.map(\.info.id))
          b.append(part.map(\.info.source))
          b.append(part.map(\.info.engineVersion))
          b.append(part.map(\.info.policyHash))
          b.append(part.map(\.info.asOf))
          b.append(part.map(\.startedAt))
          b.append(part.map(\.committedAt))
          b.append(part.map(\.info.payer))
        }
      }
      // Payments as they stand, voids included: a key paid, voided and paid again has its two
      // rows, and the unique index sees at most one of them unvoided, as in the source.
      for start in stride(from: 0, to: payments.count, by: chunk) {
        let part = payments[start..<min(start + chunk, payments.count)]
        try session.query("""
          INSERT INTO payment (id, key, policy, rule, clause, subject, beneficiary, payee, amount_fen, period,
            funding, eligible_from, explanation, batch_id, recorded_at, voided_at, void_reason)
          SELECT id, k, po, ru, cl, su, be, pa, am, pe, CASE WHEN hf THEN fu END, CASE WHEN he THEN el END, ex, ba, re,
            CASE WHEN hv THEN vo END, CASE WHEN hv THEN vr END
          FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                      $9::int8[], $10::text[], $11::text[], $12::bool[], $13::text[], $14::bool[], $15::text[],
                      $16::text[], $17::text[], $18::text[], $19::text[], $20::bool[])
            AS t(id, k, po, ru, cl, su, be, pa, am, pe, fu, hf, el, he, ex, ba, re, vo, vr, hv)
          """) { b in
          b.append(part.map(\.id))
          b.append(part.map(\.record.key))
          b.append(part.map(\.record.policy))
          b.append(part.map(\.record.rule))
          b.append(part.map(\.record.clause))
          b.append(part.map(\.record.subject))
          b.append(part.map(\.record.beneficiary))
          b.append(part.map(\.record.payee))
          b.append(part.map(\.record.amountFen))
          b.append(part.map(\.record.period))
          b.append(part.map { $0.record.funding ?? "" })
          b.append(part.map { $0.record.funding != nil })
          b.append(part.map { $0.record.eligibleFrom ?? "" })
          b.append(part.map { $0.record.eligibleFrom != nil })
          b.append(part.map(\.record.explanation))
          b.append(part.map(\.batchID))
          b.append(part.map(\.recordedAt))
          b.append(part.map { $0.voidedAt ?? "" })
          b.append(part.map { $0.voidReason ?? "" })
          b.append(part.map(\.isVoided))
        }
      }
      let voided = payments.filter(\.isVoided)
      for start in stride(from: 0, to: voided.count, by: chunk) {
        let part = voided[start..<min(start + chunk, voided.count)]
        try session.query("""
          INSERT INTO payment_void (payment_id, voided_at, reason)
          SELECT * FROM unnest($1::int8[], $2::text[], $3::text[])
          """) { b in
          b.append(part.map(\.id))
          b.append(part.map { $0.voidedAt ?? "" })
          b.append(part.map { $0.voidReason ?? "" })
        }
      }
      // New payments continue after the copied ids.
      try session.query("SELECT setval(pg_get_serial_sequence('payment', 'id'), GREATEST((SELECT MAX(id) FROM payment), 1), (SELECT MAX(id) FROM payment) IS NOT NULL)")
      let rows = identities.rows
      for start in stride(from: 0, to: rows.count, by: chunk) {
        let part = rows[start..<min(start + chunk, rows.count)]
        try session.query("""
          INSERT INTO identity (kind, entity_id, number_hash, batch_id, recorded_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
          """) { b in
          b.append(part.map(\.kind))
          b.append(part.map(\.id))
          b.append(part.map(\.hash))
          b.append(part.map(\.batch))
          b.append(part.map(\.recordedAt))
        }
      }
      try PostgresLedger.checkIntegrity(session)
    }
    return Report(batches: batches.count, payments: payments.count, voids: payments.filter(\.isVoided).count, identities: identities.rows.count)
  }
}
