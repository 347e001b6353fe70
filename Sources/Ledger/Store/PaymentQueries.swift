import GRDB

/// Reading payments, summaries and batches. Shared by `LedgerStore` (on a
/// read snapshot) and `LedgerTransaction` (inside the write), so both see the
/// ledger through the same SQL.
enum PaymentQueries {
  /// The WHERE clause and its arguments for a filter over `payment p`.
  static func whereClause(_ filter: PaymentFilter) -> (sql: String, arguments: StatementArguments) {
    var conditions: [String] = []
    var arguments = StatementArguments()
    if !filter.includeVoided { conditions.append("p.voided_at IS NULL") }
    let equalities: [(String, String?)] = [
      ("p.policy", filter.policy), ("p.rule", filter.rule),
      ("p.batch_id", filter.batch), ("p.beneficiary", filter.beneficiary),
    ]
    for (column, value) in equalities {
      if let value {
        conditions.append("\(column) = ?")
        arguments += [value]
      }
    }
    return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
  }

  static func payments(_ db: Database, filter: PaymentFilter) throws -> [StoredPayment] {
    let (condition, arguments) = whereClause(filter)
    let sql = """
      SELECT p.*, b.engine_version, b.policy_hash, b.as_of, b.source, b.payer
      FROM payment p JOIN batch b ON b.id = p.batch_id
      \(condition) ORDER BY p.id
      """
    return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try storedPayment($0) }
  }

  static func summary(_ db: Database, filter: PaymentFilter) throws -> [SummaryRow] {
    let (condition, arguments) = whereClause(filter)
    let sql = """
      SELECT p.policy, p.rule, p.funding, COUNT(*) AS n, SUM(p.amount_fen) AS total
      FROM payment p \(condition)
      GROUP BY p.policy, p.rule, p.funding ORDER BY p.policy, p.rule, p.funding
      """
    return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
      try SummaryRow(
        policy: row.decode(forColumn: "policy"), rule: row.decode(forColumn: "rule"), funding: row.decode(forColumn: "funding"),
        count: row.decode(forColumn: "n"), totalFen: row.decode(Int64?.self, forColumn: "total") ?? 0)
    }
  }

  static func batches(_ db: Database) throws -> [StoredBatch] {
    let sql = """
      SELECT b.*,
        (SELECT COUNT(*) FROM payment p WHERE p.batch_id = b.id) AS n,
        (SELECT COUNT(*) FROM payment p WHERE p.batch_id = b.id AND p.voided_at IS NOT NULL) AS voided,
        (SELECT COALESCE(SUM(amount_fen), 0) FROM payment p WHERE p.batch_id = b.id AND p.voided_at IS NULL) AS total
      FROM batch b ORDER BY b.committed_at, b.id
      """
    return try Row.fetchAll(db, sql: sql).map { row in
      try StoredBatch(
        info: BatchInfo(id: row.decode(forColumn: "id"), source: row.decode(forColumn: "source"), engineVersion: row.decode(forColumn: "engine_version"), policyHash: row.decode(forColumn: "policy_hash"), asOf: row.decode(forColumn: "as_of"), payer: row.decode(forColumn: "payer")),
        startedAt: row.decode(forColumn: "started_at"), committedAt: row.decode(forColumn: "committed_at"),
        paymentCount: row.decode(forColumn: "n"), voidedCount: row.decode(forColumn: "voided"), totalFen: row.decode(forColumn: "total"))
    }
  }

  private static func storedPayment(_ row: Row) throws -> StoredPayment {
    let record = try PaymentRecord(
      key: row.decode(forColumn: "key"), policy: row.decode(forColumn: "policy"), rule: row.decode(forColumn: "rule"), clause: row.decode(forColumn: "clause"),
      subject: row.decode(forColumn: "subject"), beneficiary: row.decode(forColumn: "beneficiary"), payee: row.decode(forColumn: "payee"),
      amountFen: row.decode(forColumn: "amount_fen"), period: row.decode(forColumn: "period"), funding: row.decode(forColumn: "funding"),
      eligibleFrom: row.decode(forColumn: "eligible_from"), explanation: row.decode(forColumn: "explanation"))
    return try StoredPayment(
      id: row.decode(forColumn: "id"), record: record, batchID: row.decode(forColumn: "batch_id"), recordedAt: row.decode(forColumn: "recorded_at"),
      engineVersion: row.decode(forColumn: "engine_version"), policyHash: row.decode(forColumn: "policy_hash"), asOf: row.decode(forColumn: "as_of"),
      source: row.decode(forColumn: "source"), voidedAt: row.decode(forColumn: "voided_at"), voidReason: row.decode(forColumn: "void_reason"), payer: row.decode(forColumn: "payer"))
  }
}
