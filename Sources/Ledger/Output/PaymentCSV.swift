import PolicyValues
import Foundation

/// Payments as CSV (RFC 4180) for finance offices.
///
/// Excel on Chinese Windows reads a CSV without a byte-order mark as GBK and
/// garbles every name, so `excel: true` writes a UTF-8 BOM and CRLF line ends,
/// and defuses cells that Excel would run as formulas (`=`, `+`, `-`, `@`).
public enum PaymentCSV {
  public static let header = [
    "id", "key", "policy", "rule", "clause", "subject", "beneficiary", "payee",
    "amount_yuan", "amount_fen", "period", "funding", "eligible_from",
    "batch_id", "recorded_at", "as_of", "engine_version", "policy_hash",
    "voided_at", "void_reason", "explanation",
  ]

  public static func render(_ payments: [StoredPayment], showPII: Bool = false, excel: Bool = false) -> String {
    let newline = excel ? "\r\n" : "\n"
    var lines = [line(header, excel: excel)]
    for payment in payments {
      let record = payment.record
      let fields: [String] = [
        String(payment.id), record.key, record.policy, record.rule, record.clause, record.subject,
        record.beneficiary, record.payee, Yuan.format(fen: record.amountFen), String(record.amountFen),
        record.period, record.funding ?? "", record.eligibleFrom ?? "",
        payment.batchID, payment.recordedAt, payment.asOf, payment.engineVersion, payment.policyHash,
        payment.voidedAt ?? "", payment.voidReason ?? "", record.explanation,
      ]
      lines.append(line(fields.map { PIIMask.mask($0, show: showPII) }, excel: excel))
    }
    return (excel ? "\u{FEFF}" : "") + lines.joined(separator: newline) + newline
  }

  /// The summary as CSV: one row per (policy, rule, funding).
  public static func summary(_ rows: [SummaryRow]) -> String {
    let lines = [["policy", "rule", "funding", "count", "total_yuan", "total_fen"]]
      + rows.map { [$0.policy, $0.rule, $0.funding ?? "", String($0.count), Yuan.format(fen: $0.totalFen), String($0.totalFen)] }
    return lines.map { line($0, excel: false) }.joined(separator: "\n") + "\n"
  }

  private static func line(_ fields: [String], excel: Bool) -> String {
    fields.map { quote(excel ? defuse($0) : $0) }.joined(separator: ",")
  }

  /// Quotes a field when it holds a comma, quote or line break.
  static func quote(_ field: String) -> String {
    guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A leading `'` keeps Excel from evaluating text as a formula.
  static func defuse(_ field: String) -> String {
    guard let first = field.first, "=+-@".contains(first) else { return field }
    return "'" + field
  }
}
