import Foundation
import GRDB

/// Which ID number each person id had, across every committed batch, so that one number cannot be
/// paid under a second person id in a later run (and one id cannot change its number).
///
/// The ledger never holds the number itself: only HMAC-SHA-256 of it under a random key made when
/// the table is created. The key lives in the ledger (`identity_key`), so the hash keeps numbers out
/// of exports, backups read by eye and `SELECT *`, and stops matching against a list of numbers
/// hashed elsewhere; someone holding the whole file and willing to enumerate the ~10¹¹ valid numbers
/// could still test them, which a key kept outside the ledger would prevent (a possible next step).
enum IdentityLedger {
  /// The migration `v2-identity`: the key, the identities, and triggers that keep them append-only.
  static func createTables(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TABLE identity_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key BLOB NOT NULL CHECK (length(key) = 32)
      );
      INSERT INTO identity_key (id, key) VALUES (1, randomblob(32));
      CREATE TABLE identity (
        kind TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        number_hash TEXT NOT NULL CHECK (length(number_hash) = 64),
        batch_id TEXT NOT NULL REFERENCES batch(id) DEFERRABLE INITIALLY DEFERRED,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (kind, entity_id)
      );
      CREATE UNIQUE INDEX identity_number ON identity(kind, number_hash);
      CREATE TRIGGER identity_never_changed BEFORE UPDATE ON identity
      BEGIN SELECT RAISE(ABORT, 'ledger identities are never changed'); END;
      CREATE TRIGGER identity_never_deleted BEFORE DELETE ON identity
      BEGIN SELECT RAISE(ABORT, 'ledger identities are never deleted'); END;
      CREATE TRIGGER identity_key_never_changed BEFORE UPDATE ON identity_key
      BEGIN SELECT RAISE(ABORT, 'the identity key is never changed'); END;
      CREATE TRIGGER identity_key_never_deleted BEFORE DELETE ON identity_key
      BEGIN SELECT RAISE(ABORT, 'the identity key is never deleted'); END;
      """)
  }

  static func key(_ db: Database) throws -> [UInt8] {
    guard let data = try Data.fetchOne(db, sql: "SELECT key FROM identity_key WHERE id = 1") else { throw LedgerError.transactionClosed }
    return Array(data)
  }
}

/// A record's ID number as a batch claims it: `kind` (`person`), its id, and the number.
public struct IdentityRecord: Sendable {
  public var kind: String
  public var id: String
  public var number: String
  public init(kind: String, id: String, number: String) {
    self.kind = kind
    self.id = id
    self.number = number
  }
}

extension LedgerTransaction {
  /// Why the ledger disagrees with a claim (the id had another number, or the number another id),
  /// or nil. Sees what earlier batches, and this one so far, recorded.
  public func identityConflict(_ claim: IdentityRecord) throws -> IdentityConflict? {
    try checkOpen()
    let hash = try numberHash(claim.number)
    if let earlier = try Row.fetchOne(db, sql: "SELECT number_hash, batch_id FROM identity WHERE kind = ? AND entity_id = ?",
                                      arguments: [claim.kind, claim.id]),
      (earlier["number_hash"] as String) != hash
    {
      return .anotherNumber(kind: claim.kind, id: claim.id, batch: earlier["batch_id"])
    }
    if let earlier = try Row.fetchOne(db, sql: "SELECT entity_id, batch_id FROM identity WHERE kind = ? AND number_hash = ?",
                                      arguments: [claim.kind, hash]),
      (earlier["entity_id"] as String) != claim.id
    {
      return .numberOfAnother(kind: claim.kind, holder: earlier["entity_id"], batch: earlier["batch_id"])
    }
    return nil
  }

  /// Records a claim the ledger agreed with (nothing if the id is already recorded with it).
  public func recordIdentity(_ claim: IdentityRecord) throws {
    try checkOpen()
    try db.execute(sql: """
      INSERT INTO identity (kind, entity_id, number_hash, batch_id, recorded_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT DO NOTHING
      """, arguments: [claim.kind, claim.id, try numberHash(claim.number), batchID, recordedAt])
  }

  /// The keyed hash of a number, as stored: hex of HMAC-SHA-256 under the ledger's identity key.
  func numberHash(_ number: String) throws -> String {
    HMACSHA256.hex(HMACSHA256.mac(key: try IdentityLedger.key(db), message: Array(number.utf8)))
  }
}

extension LedgerStore {
  /// The identity key and every identity row, as stored (hashes, never numbers): what
  /// `ledger migrate` copies so the identities keep matching under the same key.
  package func identityExport() throws -> (key: [UInt8], rows: [(kind: String, id: String, hash: String, batch: String, recordedAt: String)]) {
    try read { db in
      let key = try IdentityLedger.key(db)
      let rows = try Row.fetchAll(db, sql: "SELECT * FROM identity ORDER BY rowid").map { row in
        (kind: row["kind"] as String, id: row["entity_id"] as String, hash: row["number_hash"] as String,
         batch: row["batch_id"] as String, recordedAt: row["recorded_at"] as String)
      }
      return (key, rows)
    }
  }
}
