import PolicySupport
import PolicyValues

/// Plain-text tables for a terminal: one line per payment, summary row or
/// batch, columns separated by two spaces, totals at the end. Control
/// characters in ids and names are shown escaped (`\e` for ESC).
public enum LedgerText {
  public static func payments(_ payments: [StoredPayment], showPII: Bool = false) -> String {
    guard !payments.isEmpty else { return "no payments\n" }
    var rows = [["id", "batch", "policy/rule", "clause", "beneficiary", "payee", "period", "amount", "status"]]
    var total: Int64 = 0
    var overflow = false
    for payment in payments {
      let record = payment.record
      let status = payment.voidedAt.map { "voided \($0): \(PIIMask.mask(payment.voidReason ?? "", show: showPII))" } ?? "paid"
      rows.append([
        String(payment.id), payment.batchID, record.policy + "/" + record.rule, record.clause,
        PIIMask.mask(record.beneficiary, show: showPII), PIIMask.mask(record.payee, show: showPII),
        PIIMask.mask(record.period, show: showPII), Yuan.format(fen: record.amountFen), status,
      ])
      if !payment.isVoided { add(&total, record.amountFen, &overflow) }
    }
    let count = payments.filter { !$0.isVoided }.count
    return table(rows, rightAligned: [7]) + "\(count) paid, total \(overflow ? "(overflow)" : Yuan.format(fen: total)) yuan\n"
  }

  public static func summary(_ summary: [SummaryRow]) -> String {
    guard !summary.isEmpty else { return "no payments\n" }
    var rows = [["policy", "rule", "funding", "count", "total"]]
    var total: Int64 = 0
    var overflow = false
    var count = 0
    for row in summary {
      rows.append([row.policy, row.rule, row.funding ?? "-", String(row.count), Yuan.format(fen: row.totalFen)])
      add(&total, row.totalFen, &overflow)
      count += row.count
    }
    rows.append(["total", "", "", String(count), overflow ? "(overflow)" : Yuan.format(fen: total)])
    return table(rows, rightAligned: [3, 4])
  }

  public static func batches(_ batches: [StoredBatch]) -> String {
    guard !batches.isEmpty else { return "no batches\n" }
    var rows = [["batch", "committed_at", "as_of", "engine", "policy_hash", "payments", "voided", "total", "source"]]
    for batch in batches {
      rows.append([
        batch.info.id, batch.committedAt, batch.info.asOf, batch.info.engineVersion,
        String(batch.info.policyHash.prefix(12)), String(batch.paymentCount), String(batch.voidedCount),
        Yuan.format(fen: batch.totalFen), batch.info.source,
      ])
    }
    return table(rows, rightAligned: [5, 6, 7])
  }

  private static func add(_ total: inout Int64, _ fen: Int64, _ overflow: inout Bool) {
    let (sum, didOverflow) = total.addingReportingOverflow(fen)
    if didOverflow { overflow = true } else { total = sum }
  }

  /// Columns padded to their widest cell; Chinese characters count double, as
  /// a terminal draws them.
  static func table(_ rows: [[String]], rightAligned: Set<Int>) -> String {
    // Cells are the caller's text: control characters are shown escaped, before widths are measured.
    let rows = rows.map { $0.map(ControlCharacters.escapedForTerminal) }
    let columns = rows.map(\.count).max() ?? 0
    var widths = Array(repeating: 0, count: columns)
    for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], width(cell)) } }
    return rows.map { row in
      row.enumerated().map { index, cell in
        let padding = String(repeating: " ", count: widths[index] - width(cell))
        return rightAligned.contains(index) ? padding + cell : (index == row.count - 1 ? cell : cell + padding)
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }

  static func width(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && isWide($1.value) ? 2 : 1) }
  }

  private static func isWide(_ value: UInt32) -> Bool {
    (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
      || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
      || (0xFFE0...0xFFE6).contains(value) || (0x20000...0x3FFFD).contains(value)
  }
}
