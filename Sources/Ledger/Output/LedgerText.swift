import PolicySupport
import PolicyValues

/// Plain-text tables for a terminal: one line per payment, summary row or
/// batch, columns separated by two spaces, totals at the end. Control
/// characters in ids and names are shown escaped (`\e` for ESC).
public enum LedgerText {
  /// `chinese`: headings and totals in Chinese (the CLI's default); ids, rules and amounts as stored.
  public static func payments(_ payments: [StoredPayment], showPII: Bool = false, chinese: Bool = false) -> String {
    guard !payments.isEmpty else { return chinese ? "没有支付记录\n" : "no payments\n" }
    var rows = [chinese ? ["编号", "批次", "政策/规则", "条款", "受益对象", "领取对象", "期间", "金额", "状态"]
                        : ["id", "batch", "policy/rule", "clause", "beneficiary", "payee", "period", "amount", "status"]]
    var total: Int64 = 0
    var overflow = false
    for payment in payments {
      let record = payment.record
      let reason = PIIMask.mask(payment.voidReason ?? "", show: showPII)
      let status = payment.voidedAt.map { chinese ? "已作废 \($0)：\(reason)" : "voided \($0): \(reason)" } ?? (chinese ? "已支付" : "paid")
      rows.append([
        String(payment.id), payment.batchID, record.policy + "/" + record.rule, record.clause,
        PIIMask.mask(record.beneficiary, show: showPII), PIIMask.mask(record.payee, show: showPII),
        PIIMask.mask(record.period, show: showPII), Yuan.format(fen: record.amountFen), status,
      ])
      if !payment.isVoided { add(&total, record.amountFen, &overflow) }
    }
    let count = payments.filter { !$0.isVoided }.count
    let sum = overflow ? (chinese ? "（溢出）" : "(overflow)") : Yuan.format(fen: total)
    return table(rows, rightAligned: [7]) + (chinese ? "已支付 \(count) 笔，合计 \(sum) 元\n" : "\(count) paid, total \(sum) yuan\n")
  }

  public static func summary(_ summary: [SummaryRow], chinese: Bool = false) -> String {
    guard !summary.isEmpty else { return chinese ? "没有支付记录\n" : "no payments\n" }
    var rows = [chinese ? ["政策", "规则", "资金来源", "笔数", "合计"] : ["policy", "rule", "funding", "count", "total"]]
    var total: Int64 = 0
    var overflow = false
    var count = 0
    for row in summary {
      rows.append([row.policy, row.rule, row.funding ?? "-", String(row.count), Yuan.format(fen: row.totalFen)])
      add(&total, row.totalFen, &overflow)
      count += row.count
    }
    rows.append([chinese ? "合计" : "total", "", "", String(count), overflow ? (chinese ? "（溢出）" : "(overflow)") : Yuan.format(fen: total)])
    return table(rows, rightAligned: [3, 4])
  }

  public static func batches(_ batches: [StoredBatch], chinese: Bool = false) -> String {
    guard !batches.isEmpty else { return chinese ? "没有批次\n" : "no batches\n" }
    var rows = [chinese ? ["批次", "记录时间", "评估日", "引擎版本", "政策指纹", "支付笔数", "作废笔数", "合计", "来源文件"]
                        : ["batch", "committed_at", "as_of", "engine", "policy_hash", "payments", "voided", "total", "source"]]
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
