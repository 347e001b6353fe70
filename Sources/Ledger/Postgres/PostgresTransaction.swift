import PostgresNIO

/// The view of a PostgreSQL ledger inside one batch's transaction (see `LedgerWriting`).
///
/// Payments go in as one statement per `insertChunk` rows: the columns are sent as arrays and
/// `unnest`ed server-side, `ON CONFLICT DO NOTHING` against the unique partial index, and
/// `RETURNING key` tells which were inserted. Identities agreed with are kept here and written with
/// one statement per chunk as well; `identityConflict` looks at them before asking the server.
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
  /// Identities recorded by this batch, not yet written: by (kind, id) and by (kind, number hash).
  private var pending: [(kind: String, id: String, hash: String)] = []
  private var pendingByID: [String: String] = [:]
  private var pendingByHash: [String: String] = [:]

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

  func identityConflict(_ claim: IdentityRecord) throws -> String? {
    try checkOpen()
    let hash = try numberHash(claim.number)
    let idKey = claim.kind + "\u{0}" + claim.id
    let hashKey = claim.kind + "\u{0}" + hash
    if let earlier = pendingByID[idKey], earlier != hash {
      return "\(claim.kind) `\(claim.id)` has another ID number in the ledger (batch \(batchID)); one \(claim.kind) has one ID number"
    }
    if let earlier = pendingByHash[hashKey], earlier != claim.id {
      return "is the ID number of \(claim.kind) `\(earlier)` in the ledger (batch \(batchID)); an ID number identifies one \(claim.kind)"
    }
    let rows = try session.query("""
      SELECT entity_id, number_hash, batch_id FROM identity WHERE kind = $1 AND (entity_id = $2 OR number_hash = $3)
      """) {
      $0.append(claim.kind)
      $0.append(claim.id)
      $0.append(hash)
    }
    for row in rows {
      let id = try row.value("entity_id", as: String.self)
      let batch = try row.value("batch_id", as: String.self)
      if id == claim.id, try row.value("number_hash", as: String.self) != hash {
        return "\(claim.kind) `\(claim.id)` has another ID number in the ledger (batch \(batch)); one \(claim.kind) has one ID number"
      }
      if id != claim.id {
        return "is the ID number of \(claim.kind) `\(id)` in the ledger (batch \(batch)); an ID number identifies one \(claim.kind)"
      }
    }
    return nil
  }

  func recordIdentity(_ claim: IdentityRecord) throws {
    try checkOpen()
    let hash = try numberHash(claim.number)
    let idKey = claim.kind + "\u{0}" + claim.id
    guard pendingByID[idKey] == nil else { return }
    pendingByID[idKey] = hash
    pendingByHash[claim.kind + "\u{0}" + hash] = claim.id
    pending.append((claim.kind, claim.id, hash))
    if pending.count >= Self.insertChunk { try flushIdentities() }
  }

  /// Writes the identities kept so far. `ON CONFLICT DO NOTHING` on the (kind, id) key only: an
  /// id already recorded with this number is nothing new, while a number recorded under another
  /// id (which `identityConflict` should have caught) still fails on its unique index.
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
    return HMACSHA256.hex(HMACSHA256.mac(key: identityKey ?? [], message: Array(claimBytes(number))))
  }

  private func claimBytes(_ number: String) -> String.UTF8View { number.utf8 }
}
