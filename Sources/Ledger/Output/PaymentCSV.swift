import PolicyValues
import Foundation
import PolicySupport

/// Payments as CSV (RFC 4180) for finance offices, through the product's one cell writer
/// (`CSVField`), which also defuses cells a spreadsheet would run as formulas.
///
/// Excel on Chinese Windows reads a CSV without a byte-order mark as GBK and
/// garbles every name, so `excel: true` writes a UTF-8 BOM and CRLF line ends.
public enum PaymentCSV {
  public static let header = [
    "id", "key", "policy", "rule", "clause", "subject", "beneficiary", "payee",
    "amount_yuan", "amount_fen", "period", "funding", "eligible_from",
    "batch_id", "recorded_at", "as_of", "engine_version", "policy_hash",
    "voided_at", "void_reason", "explanation", "payer",
  ]

  public static func render(_ payments: [StoredPayment], showPII: Bool = false, excel: Bool = false) -> String {
    var buffer: [UInt8] = excel ? [0xEF, 0xBB, 0xBF] : []
    CSVField.appendRecord(header, crlf: excel, to: &buffer)
    for payment in payments {
      let record = payment.record
      let fields: [String] = [
        String(payment.id), record.key, record.policy, record.rule, record.clause, record.subject,
        record.beneficiary, record.payee, Yuan.format(fen: record.amountFen), String(record.amountFen),
        record.period, record.funding ?? "", record.eligibleFrom ?? "",
        payment.batchID, payment.recordedAt, payment.asOf, payment.engineVersion, payment.policyHash,
        payment.voidedAt ?? "", payment.voidReason ?? "", record.explanation, payment.payer,
      ]
      CSVField.appendRecord(fields.map { PIIMask.mask($0, show: showPII) }, crlf: excel, to: &buffer)
    }
    return String(decoding: buffer, as: UTF8.self)
  }

  /// The summary as CSV: one row per (policy, rule, funding).
  public static func summary(_ rows: [SummaryRow]) -> String {
    let lines = [["policy", "rule", "funding", "count", "total_yuan", "total_fen"]]
      + rows.map { [$0.policy, $0.rule, $0.funding ?? "", String($0.count), Yuan.format(fen: $0.totalFen), String($0.totalFen)] }
    return lines.map { CSVField.record($0) }.joined()
  }
}
