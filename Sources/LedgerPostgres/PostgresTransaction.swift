import Ledger
import PostgresNIO

/// The view of a PostgreSQL ledger inside one batch's transaction (see `LedgerWriting`).
///
/// Payments go in as one statement per `insertChunk` rows: the columns are sent as arrays and
/// `unnest`ed server-side, `ON CONFLICT DO NOTHING` against the unique partial index, and
/// `RETURNING key` tells which were inserted. Identities are looked up a chunk of claims at a time
/// (`prefetchIdentities`), and those agreed with are written one statement per chunk as well.
final class PostgresTransaction: LedgerWriting {
  static let insertChunk = 5_000

  let session: PostgresSession
  let batchID: String
  let recordedAt: String
  private var isOpen = true
  private(set) var inserted = 0
  private(set) var alreadyPaid = 0
  private(set) var totalFen: Int64 = 0
  private var identityKey: [UInt8]?
  /// Identities this batch recorded and has not written yet.
  private var pending: [(kind: String, id: String, hash: String)] = []
  /// Identities known to this transaction (loaded from the ledger, or recorded by this batch), by
  /// "kind NUL id" and by "kind NUL number hash", with the batch that recorded them.
  private var byID: [String: (hash: String, batch: String)] = [:]
  private var byHash: [String: (id: String, batch: String)] = [:]
  /// The "kind NUL id" and "kind NUL hash" keys already looked up in the ledger: absent from the
  /// maps above means not in the ledger.
  private var lookedUp = Set<String>()
  private var hashes: [String: String] = [:]

  init(session: PostgresSession, batchID: String, recordedAt: String) {
    self.session = session
    self.batchID = batchID
    self.recordedAt = recordedAt
  }

  func close() { isOpen = false }

  private func checkOpen() throws {
    guard isOpen else { throw LedgerError.transactionClosed }
  }

  func paidKeys(among keys: [String]) throws -> Set<String> {
    try checkOpen()
    return try PostgresQueries.paidKeys(session, among: keys)
  }

  func payments(filter: PaymentFilter) throws -> [StoredPayment] {
    try checkOpen()
    return try PostgresQueries.payments(session, filter: filter)
  }

  func record(_ payments: [PaymentRecord]) throws -> [Bool] {
    try checkOpen()
    for payment in payments {
      guard !payment.key.isEmpty else { throw LedgerError.emptyKey }
      guard payment.amountFen >= 0 else { throw LedgerError.negativeAmount(key: payment.key, fen: payment.amountFen) }
    }
    // A key twice in one call: the first occurrence competes for it, the rest are already paid.
    var seen = Set<String>()
    let first = payments.map { seen.insert($0.key).inserted }
    var results = [Bool](repeating: false, count: payments.count)
    let candidates = payments.indices.filter { first[$0] }
    for start in stride(from: 0, to: candidates.count, by: Self.insertChunk) {
      let chunk = Array(candidates[start..<min(start + Self.insertChunk, candidates.count)])
      let insertedKeys = try insert(chunk.map { payments[$0] })
      for index in chunk where insertedKeys.contains(payments[index].key) { results[index] = true }
    }
    for (payment, wasInserted) in zip(payments, results) {
      if wasInserted {
        let (sum, overflow) = totalFen.addingReportingOverflow(payment.amountFen)
        guard !overflow else { throw LedgerError.amountOverflow }
        totalFen = sum
        inserted += 1
      } else {
        alreadyPaid += 1
      }
    }
    return results
  }

  /// One INSERT for up to `insertChunk` payments with distinct keys; the keys it inserted.
  private func insert(_ payments: [PaymentRecord]) throws -> Set<String> {
    let rows = try session.query("""
      INSERT INTO payment (key, policy, rule, clause, subject, beneficiary, payee, amount_fen,
        period, funding, eligible_from, explanation, batch_id, recorded_at)
      SELECT k, po, ru, cl, su, be, pa, am, pe, CASE WHEN hf THEN fu END, CASE WHEN he THEN el END, ex, $15, $16
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int8[],
                  $9::text[], $10::text[], $11::bool[], $12::text[], $13::bool[], $14::text[])
        AS t(k, po, ru, cl, su, be, pa, am, pe, fu, hf, el, he, ex)
      ON CONFLICT DO NOTHING
      RETURNING key
      """) { b in
      b.append(payments.map(\.key))
      b.append(payments.map(\.policy))
      b.append(payments.map(\.rule))
      b.append(payments.map(\.clause))
      b.append(payments.map(\.subject))
      b.append(payments.map(\.beneficiary))
      b.append(payments.map(\.payee))
      b.append(payments.map(\.amountFen))
      b.append(payments.map(\.period))
      b.append(payments.map { $0.funding ?? "" })
      b.append(payments.map { $0.funding != nil })
      b.append(payments.map { $0.eligibleFrom ?? "" })
      b.append(payments.map { $0.eligibleFrom != nil })
      b.append(payments.map(\.explanation))
      b.append(batchID)
      b.append(recordedAt)
    }
    return Set(try rows.map { try $0.value("key", as: String.self) })
  }

  func identityConflict(_ claim: IdentityRecord) throws -> IdentityConflict? {
    try checkOpen()
    let hash = try numberHash(claim.number)
    let idKey = claim.kind + "\u{0}" + claim.id, hashKey = claim.kind + "\u{0}" + hash
    if !lookedUp.contains(idKey) || !lookedUp.contains(hashKey) { try prefetchIdentities([claim]) }
    if let earlier = byID[idKey], earlier.hash != hash {
      return .anotherNumber(kind: claim.kind, id: claim.id, batch: earlier.batch)
    }
    if let earlier = byHash[hashKey], earlier.id != claim.id {
      return .numberOfAnother(kind: claim.kind, holder: earlier.id, batch: earlier.batch)
    }
    return nil
  }

  /// Loads the ledger's identities that share an id or a number with `claims`, one statement per
  /// chunk: two equality joins (on the primary key and on the number's unique index), not one join
  /// on `id OR number`, which no index serves (3.5 s a chunk at 50,000 identities). What is loaded stays valid for the whole transaction: other writers wait for the
  /// writer lock this batch holds, and this batch's own identities are added as it records them.
  func prefetchIdentities(_ claims: [IdentityRecord]) throws {
    try checkOpen()
    var kinds: [String] = [], ids: [String] = [], hashes: [String] = []
    for claim in claims {
      let hash = try numberHash(claim.number)
      let idKey = claim.kind + "\u{0}" + claim.id, hashKey = claim.kind + "\u{0}" + hash
      guard !lookedUp.contains(idKey) || !lookedUp.contains(hashKey) else { continue }
      lookedUp.insert(idKey)
      lookedUp.insert(hashKey)
      kinds.append(claim.kind)
      ids.append(claim.id)
      hashes.append(hash)
    }
    for start in stride(from: 0, to: kinds.count, by: Self.insertChunk) {
      let range = start..<min(start + Self.insertChunk, kinds.count)
      let rows = try session.query("""
        SELECT i.kind, i.entity_id, i.number_hash, i.batch_id
        FROM unnest($1::text[], $2::text[]) AS c(kind, entity_id) JOIN identity i USING (kind, entity_id)
        UNION
        SELECT i.kind, i.entity_id, i.number_hash, i.batch_id
        FROM unnest($1::text[], $3::text[]) AS c(kind, number_hash) JOIN identity i USING (kind, number_hash)
        """) {
        $0.append(Array(kinds[range]))
        $0.append(Array(ids[range]))
        $0.append(Array(hashes[range]))
      }
      for row in rows {
        let kind = try row.value("kind", as: String.self), id = try row.value("entity_id", as: String.self)
        let hash = try row.value("number_hash", as: String.self), batch = try row.value("batch_id", as: String.self)
        byID[kind + "\u{0}" + id] = (hash, batch)
        byHash[kind + "\u{0}" + hash] = (id, batch)
      }
    }
  }

  func recordIdentity(_ claim: IdentityRecord) throws {
    try checkOpen()
    let hash = try numberHash(claim.number)
    let idKey = claim.kind + "\u{0}" + claim.id
    guard byID[idKey] == nil else { return }
    byID[idKey] = (hash, batchID)
    byHash[claim.kind + "\u{0}" + hash] = (claim.id, batchID)
    lookedUp.insert(idKey)
    lookedUp.insert(claim.kind + "\u{0}" + hash)
    pending.append((claim.kind, claim.id, hash))
    if pending.count >= Self.insertChunk { try flushIdentities() }
  }

  /// Writes the identities recorded since the last flush. `ON CONFLICT DO NOTHING` on the (kind,
  /// id) key only: a number recorded under another id (which `identityConflict` reports) still
  /// fails on its unique index rather than being skipped.
  func flushIdentities() throws {
    guard !pending.isEmpty else { return }
    try session.query("""
      INSERT INTO identity (kind, entity_id, number_hash, batch_id, recorded_at)
      SELECT k, i, h, $4, $5 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(k, i, h)
      ON CONFLICT (kind, entity_id) DO NOTHING
      """) {
      $0.append(pending.map(\.kind))
      $0.append(pending.map(\.id))
      $0.append(pending.map(\.hash))
      $0.append(batchID)
      $0.append(recordedAt)
    }
    pending.removeAll(keepingCapacity: true)
  }

  /// Hex of HMAC-SHA-256 under the ledger's identity key, as on SQLite.
  private func numberHash(_ number: String) throws -> String {
    if identityKey == nil {
      let rows = try session.query("SELECT key FROM identity_key WHERE id = 1")
      guard let row = rows.first else { throw LedgerError.transactionClosed }
      var buffer = try row.value("key", as: ByteBuffer.self)
      identityKey = buffer.readBytes(length: buffer.readableBytes)
    }
    if let known = hashes[number] { return known }
    let hash = HMACSHA256.hex(HMACSHA256.mac(key: identityKey ?? [], message: Array(number.utf8)))
    hashes[number] = hash
    return hash
  }
}
