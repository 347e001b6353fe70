import PolicyValues
import Foundation

/// Payments, summaries and batches as JSON for scripts. Amounts appear twice:
/// `amount_fen` (an integer, exact) and `amount_yuan` (a string, for people),
/// never as a JSON float. The stored explanation is embedded as JSON when it
/// parses, so a consumer does not have to decode a string inside a string.
public enum PaymentJSON {
  public static func payments(_ payments: [StoredPayment], showPII: Bool = false) throws -> String {
    let objects: [[String: Any]] = payments.map { payment in
      let record = payment.record
      let mask = { (text: String) in PIIMask.mask(text, show: showPII) }
      return [
        "id": payment.id, "key": mask(record.key), "policy": record.policy, "rule": record.rule,
        "clause": record.clause, "subject": mask(record.subject), "beneficiary": mask(record.beneficiary),
        "payee": mask(record.payee), "amount_fen": record.amountFen, "amount_yuan": Yuan.format(fen: record.amountFen),
        "period": mask(record.period), "funding": record.funding ?? NSNull(), "eligible_from": record.eligibleFrom ?? NSNull(),
        "batch_id": payment.batchID, "recorded_at": payment.recordedAt, "as_of": payment.asOf,
        "engine_version": payment.engineVersion, "policy_hash": payment.policyHash, "source": payment.source, "payer": payment.payer,
        "voided_at": payment.voidedAt ?? NSNull(), "void_reason": payment.voidReason.map(mask) ?? NSNull(),
        "explanation": embedded(mask(record.explanation)),
      ]
    }
    return try render(objects)
  }

  public static func summary(_ rows: [SummaryRow]) throws -> String {
    try render(rows.map { row in
      [
        "policy": row.policy, "rule": row.rule, "funding": row.funding ?? NSNull(),
        "count": row.count, "total_fen": row.totalFen, "total_yuan": Yuan.format(fen: row.totalFen),
      ] as [String: Any]
    })
  }

  public static func batches(_ batches: [StoredBatch]) throws -> String {
    try render(batches.map { batch in
      [
        "id": batch.info.id, "source": batch.info.source, "engine_version": batch.info.engineVersion,
        "policy_hash": batch.info.policyHash, "as_of": batch.info.asOf, "started_at": batch.startedAt,
        "committed_at": batch.committedAt, "payer": batch.info.payer, "payments": batch.paymentCount, "voided": batch.voidedCount,
        "total_fen": batch.totalFen, "total_yuan": Yuan.format(fen: batch.totalFen),
      ] as [String: Any]
    })
  }

  private static func embedded(_ text: String) -> Any {
    guard let data = text.data(using: .utf8),
      let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    else { return text }
    return value
  }

  private static func render(_ value: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
