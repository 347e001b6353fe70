import Ledger
import PostgresNIO

/// Reading payments, summaries and batches on PostgreSQL: the same SQL and the same ordering as
/// `PaymentQueries` on SQLite, so both stores answer every report identically.
enum PostgresQueries {
  /// Keys are looked up in chunks, each one statement with an array parameter.
  static let chunkSize = 10_000

  static func paidKeys(_ session: PostgresSession, among keys: [String]) throws -> Set<String> {
    var paid = Set<String>()
    let unique = Array(Set(keys))
    for start in stride(from: 0, to: unique.count, by: chunkSize) {
      let chunk = Array(unique[start..<min(start + chunkSize, unique.count)])
      let rows = try session.query("SELECT key FROM payment WHERE voided_at IS NULL AND key = ANY($1)") { $0.append(chunk) }
      for row in rows { paid.insert(try row.value("key", as: String.self)) }
    }
    return paid
  }

  /// The WHERE clause and its bindings for a filter over `payment p`.
  static func whereClause(_ filter: PaymentFilter) -> (sql: String, bind: (inout PostgresBindings) -> Void) {
    var conditions: [String] = []
    var values: [String] = []
    if !filter.includeVoided { conditions.append("p.voided_at IS NULL") }
    let equalities: [(String, String?)] = [
      ("p.policy", filter.policy), ("p.rule", filter.rule), ("p.batch_id", filter.batch), ("p.beneficiary", filter.beneficiary),
    ]
    for (column, value) in equalities {
      if let value {
        values.append(value)
        conditions.append("\(column) = $\(values.count)")
      }
    }
    return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), { bindings in
      for value in values { bindings.append(value) }
    })
  }

  static func payments(_ session: PostgresSession, filter: PaymentFilter) throws -> [StoredPayment] {
    let (condition, bind) = whereClause(filter)
    let rows = try session.query("""
      SELECT p.*, b.engine_version, b.policy_hash, b.as_of, b.source, b.payer
      FROM payment p JOIN batch b ON b.id = p.batch_id
      \(condition) ORDER BY p.id
      """, bind)
    return try rows.map { row in
      let record = try PaymentRecord(
        key: row.value("key"), policy: row.value("policy"), rule: row.value("rule"), clause: row.value("clause"),
        subject: row.value("subject"), beneficiary: row.value("beneficiary"), payee: row.value("payee"),
        amountFen: row.value("amount_fen"), period: row.value("period"), funding: row.value("funding"),
        eligibleFrom: row.value("eligible_from"), explanation: row.value("explanation"))
      return try StoredPayment(
        id: row.value("id"), record: record, batchID: row.value("batch_id"), recordedAt: row.value("recorded_at"),
        engineVersion: row.value("engine_version"), policyHash: row.value("policy_hash"), asOf: row.value("as_of"),
        source: row.value("source"), voidedAt: row.value("voided_at"), voidReason: row.value("void_reason"), payer: row.value("payer"))
    }
  }

  static func summary(_ session: PostgresSession, filter: PaymentFilter) throws -> [SummaryRow] {
    let (condition, bind) = whereClause(filter)
    // COLLATE "C": the byte order SQLite sorts text in, so both stores list rows the same way.
    let rows = try session.query("""
      SELECT p.policy, p.rule, p.funding, COUNT(*)::BIGINT AS n, SUM(p.amount_fen)::BIGINT AS total
      FROM payment p \(condition)
      GROUP BY p.policy, p.rule, p.funding
      ORDER BY p.policy COLLATE "C", p.rule COLLATE "C", p.funding COLLATE "C" NULLS FIRST
      """, bind)
    return try rows.map { row in
      try SummaryRow(
        policy: row.value("policy"), rule: row.value("rule"), funding: row.value("funding"),
        count: Int(row.value("n", as: Int64.self)), totalFen: row.value("total", as: Int64?.self) ?? 0)
    }
  }

  static func batches(_ session: PostgresSession) throws -> [StoredBatch] {
    let rows = try session.query("""
      SELECT b.*,
        (SELECT COUNT(*) FROM payment p WHERE p.batch_id = b.id)::BIGINT AS n,
        (SELECT COUNT(*) FROM payment p WHERE p.batch_id = b.id AND p.voided_at IS NOT NULL)::BIGINT AS voided,
        (SELECT COALESCE(SUM(amount_fen), 0) FROM payment p WHERE p.batch_id = b.id AND p.voided_at IS NULL)::BIGINT AS total
      FROM batch b ORDER BY b.committed_at COLLATE "C", b.id COLLATE "C"
      """)
    return try rows.map { row in
      try StoredBatch(
        info: BatchInfo(id: row.value("id"), source: row.value("source"), engineVersion: row.value("engine_version"),
                        policyHash: row.value("policy_hash"), asOf: row.value("as_of"), payer: row.value("payer")),
        startedAt: row.value("started_at"), committedAt: row.value("committed_at"),
        paymentCount: Int(row.value("n", as: Int64.self)), voidedCount: Int(row.value("voided", as: Int64.self)),
        totalFen: row.value("total"))
    }
  }
}
