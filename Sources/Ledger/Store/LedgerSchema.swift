import GRDB

/// The ledger's schema as named migrations.
///
/// Append-only: a migration that has shipped is never edited or removed,
/// because ledgers in the field already record it as applied; a change to the
/// schema is a new migration appended at the end.
enum LedgerSchema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-batch-and-payment", migrate: createTables)
    migrator.registerMigration("v1-append-only-triggers", migrate: createTriggers)
    migrator.registerMigration("v2-identity", migrate: IdentityLedger.createTables)
    migrator.registerMigration("v3-batch-payer", migrate: addPayer)
    return migrator
  }

  /// Tables and indexes. A batch row is written after its payments, when
  /// its commit time is known, hence the deferred foreign key (checked at
  /// COMMIT). The UNIQUE partial index on `key` where not voided
  /// makes a double payment a constraint violation rather than a convention,
  /// while a voided key can be paid again.
  private static func createTables(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TABLE batch (
        id TEXT PRIMARY KEY NOT NULL,
        source TEXT NOT NULL,
        engine_version TEXT NOT NULL,
        policy_hash TEXT NOT NULL,
        as_of TEXT NOT NULL,
        started_at TEXT NOT NULL,
        committed_at TEXT NOT NULL
      );
      CREATE TABLE payment (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL CHECK (length(key) > 0),
        policy TEXT NOT NULL,
        rule TEXT NOT NULL,
        clause TEXT NOT NULL,
        subject TEXT NOT NULL,
        beneficiary TEXT NOT NULL,
        payee TEXT NOT NULL,
        amount_fen INTEGER NOT NULL CHECK (typeof(amount_fen) = 'integer' AND amount_fen >= 0),
        period TEXT NOT NULL,
        funding TEXT,
        eligible_from TEXT,
        explanation TEXT NOT NULL,
        batch_id TEXT NOT NULL REFERENCES batch(id) DEFERRABLE INITIALLY DEFERRED,
        recorded_at TEXT NOT NULL,
        voided_at TEXT,
        void_reason TEXT,
        CHECK ((voided_at IS NULL) = (void_reason IS NULL))
      );
      CREATE UNIQUE INDEX payment_key_unvoided ON payment(key) WHERE voided_at IS NULL;
      CREATE INDEX payment_batch ON payment(batch_id);
      CREATE INDEX payment_policy_rule ON payment(policy, rule);
      CREATE INDEX payment_beneficiary ON payment(beneficiary);
      """)
  }

  /// The paying county of a batch (and so of its payments), for a ledger several counties share.
  /// Existing batches get '' (none named); the batch triggers keep it unchanged like every column.
  private static func addPayer(_ db: Database) throws {
    try db.execute(sql: "ALTER TABLE batch ADD COLUMN payer TEXT NOT NULL DEFAULT ''")
  }

  /// The ledger keeps history: nothing is deleted, and the only change a
  /// payment may undergo is being voided, once, with a reason. Enforced in
  /// SQLite so a stray `sqlite3` session cannot rewrite what was paid either.
  private static func createTriggers(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TRIGGER payment_never_deleted BEFORE DELETE ON payment
      BEGIN SELECT RAISE(ABORT, 'ledger payments are never deleted; void them instead'); END;
      CREATE TRIGGER batch_never_deleted BEFORE DELETE ON batch
      BEGIN SELECT RAISE(ABORT, 'ledger batches are never deleted'); END;
      CREATE TRIGGER batch_never_updated BEFORE UPDATE ON batch
      BEGIN SELECT RAISE(ABORT, 'ledger batches are never changed'); END;
      CREATE TRIGGER payment_only_voided BEFORE UPDATE ON payment
      WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL OR NEW.void_reason IS NULL
        OR NEW.id IS NOT OLD.id OR NEW.key IS NOT OLD.key OR NEW.policy IS NOT OLD.policy
        OR NEW.rule IS NOT OLD.rule OR NEW.clause IS NOT OLD.clause OR NEW.subject IS NOT OLD.subject
        OR NEW.beneficiary IS NOT OLD.beneficiary OR NEW.payee IS NOT OLD.payee
        OR NEW.amount_fen IS NOT OLD.amount_fen OR NEW.period IS NOT OLD.period
        OR NEW.funding IS NOT OLD.funding OR NEW.eligible_from IS NOT OLD.eligible_from
        OR NEW.explanation IS NOT OLD.explanation OR NEW.batch_id IS NOT OLD.batch_id
        OR NEW.recorded_at IS NOT OLD.recorded_at
      BEGIN SELECT RAISE(ABORT, 'a payment can only be voided, once, with a reason'); END;
      """)
  }
}
