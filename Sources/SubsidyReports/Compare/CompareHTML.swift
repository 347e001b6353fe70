/// The comparison as one self-contained HTML file: inline CSS, an inline SVG chart, and tables.
/// No script, font or image is fetched, so it opens the same offline or from an e-mail attachment.
public struct CompareHTML {
  let report: CompareReport
  let words: CompareWords
  /// Long cohorts list this many beneficiaries and payees; the CSV output has them all.
  static let maximumRows = 2_000

  public init(report: CompareReport, language: TextReport.Language) {
    self.report = report
    words = CompareWords(language: language)
  }

  private func t(_ zh: String, _ en: String) -> String { words.t(zh, en) }
  private func e(_ s: String) -> String { HTMLText.escape(s) }

  public func render() -> String {
    let title = t("政策比较", "Policy comparison") + "：" + report.policies.map(\.id).joined(separator: " / ")
    var out = """
      <!DOCTYPE html>
      <html lang="\(t("zh-CN", "en"))"><head><meta charset="utf-8"><title>\(e(title))</title>
      <style>
      body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}
      h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}
      table{border-collapse:collapse;margin:8px 0;font-size:13px}
      th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
      td.n{text-align:right;font-variant-numeric:tabular-nums}
      th{background:#f0f3f7}.note{background:#fffbe6;border:1px solid #e8d98a;padding:8px;font-size:13px}
      .gain{color:#1d7a3a}.loss{color:#b02a2a}.why{font-size:12px;color:#555}
      </style></head><body>
      <h1>\(e(title))</h1>
      <p>\(e(t("评估日", "As of"))) \(report.asOf)　\(e(t("数据", "Cohort"))) \(e(report.input))</p>
      <ul>\(report.policies.map { "<li><b>\(e($0.id))</b> 《\(e($0.title))》 \(e(t("辖区", "jurisdiction"))) \($0.jurisdiction)</li>" }.joined())</ul>
      <p class="note">\(e(words.localisation(report)))</p>

      """
    out += "<h2>\(e(t("按政策和类别的可发放金额", "Payable by policy and category")))</h2>\n" + CompareChart(report: report, words: words).svg() + "\n"
    out += section(t("合计", "Totals"), [t("政策", "policy"), t("可发放（元）", "payable"), t("待发（元）", "awaiting"), t("可发放项", "payable items"), t("金额未定项", "undetermined")],
                   report.policies.indices.map { p in
                     let f = report.totals[p]
                     return [report.policies[p].id, f.payable.fenString, f.awaiting.fenString, String(f.payableCount), String(f.undeterminedCount)]
                   })
    out += section(t("按类别（可发放/待发）", "By category (payable/awaiting)"), [t("类别", "category")] + report.policies.map(\.id),
                   report.categories.map { c in [words.category(c)] + report.byCategory.map { $0[c].map { "\($0.payable.fenString)/\($0.awaiting.fenString)" } ?? "—" } })
    out += section(t("按资金来源", "By funding source"), [t("政策", "policy"), t("资金来源", "funding"), t("可发放", "payable"), t("待发", "awaiting")],
                   report.policies.indices.flatMap { p in report.byFunding[p].map { [report.policies[p].id, words.funding($0.funding), $0.figures.payable.fenString, $0.figures.awaiting.fenString] } },
                   left: 2)
    out += section(t("按规则", "By rule"), [t("政策", "policy"), t("条款", "clause"), t("规则", "rule"), t("可发放", "payable"), t("项", "items"), t("待发", "awaiting")],
                   report.policies.indices.flatMap { p in report.byRule[p].map { [report.policies[p].id, $0.clause, $0.rule, $0.figures.payable.fenString, String($0.figures.payableCount), $0.figures.awaiting.fenString] } },
                   left: 3)
    out += changes()
    out += parties(t("按受益人", "By beneficiary"), report.beneficiaries)
    out += parties(t("按付款对象", "By payee"), report.payees)
    return out + "</body></html>\n"
  }

  private func section(_ heading: String, _ header: [String], _ rows: [[String]], left: Int = 1) -> String {
    var out = "<h2>\(e(heading))</h2>\n<table><tr>" + header.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
    for row in rows {
      out += "<tr>" + row.enumerated().map { i, cell in i < left ? "<td>\(e(cell))</td>" : "<td class=\"n\">\(e(cell))</td>" }.joined() + "</tr>\n"
    }
    return out + "</table>\n"
  }

  private func parties(_ heading: String, _ rows: [PartyRow]) -> String {
    let shown = rows.prefix(Self.maximumRows).map { row in
      [row.id, row.name ?? ""] + row.figures.map { "\($0.payable.fenString) \(words.status($0.shownStatus))" + ($0.awaiting > .zero ? t("（待发 \($0.awaiting.fenString)）", " (awaiting \($0.awaiting.fenString))") : "") }
    }
    var out = section(heading, [t("编号", "id"), t("姓名/名称", "name")] + report.policies.map(\.id), shown, left: 2)
    if rows.count > Self.maximumRows {
      out += "<p>\(e(t("仅列出前 \(Self.maximumRows) 个，共 \(rows.count) 个；完整名单请用 --format csv。", "First \(Self.maximumRows) of \(rows.count) shown; use --format csv for all.")))</p>\n"
    }
    return out
  }

  private func changes() -> String {
    var out = ""
    for pair in report.pairs {
      let from = report.policies[pair.from].id, to = report.policies[pair.to].id
      out += "<h2>\(e(t("增减：\(from) → \(to)", "Gains and losses: \(from) → \(to)")))</h2>\n"
      out += "<p>\(e(t("增加 \(pair.gainers.count) 人，共 \(words.signed(pair.gained)) 元；减少 \(pair.losers.count) 人，共 \(words.signed(pair.lost)) 元；不变 \(pair.unchanged) 人", "\(pair.gainers.count) gain (\(words.signed(pair.gained))); \(pair.losers.count) lose (\(words.signed(pair.lost))); \(pair.unchanged) unchanged")))</p>\n"
      out += "<table><tr><th>\(e(t("编号", "id")))</th><th>\(e(from))</th><th>\(e(to))</th><th>\(e(t("增减", "change")))</th><th>\(e(t("原因", "why")))</th></tr>\n"
      for c in (pair.gainers + pair.losers).prefix(Self.maximumRows) {
        let row = report.beneficiaries[c.beneficiary]
        let a = row.figures[pair.from], b = row.figures[pair.to]
        var why = ""
        if let r = c.reason {
          why = (r.from.map { from + t("：", ": ") + words.line($0) } + r.to.map { to + t("：", ": ") + words.line($0) }).map(e).joined(separator: "<br>")
          if let d = r.difference { why += "<br><b>" + e(words.difference(d, report, pair)) + "</b>" }
        }
        out += "<tr><td>\(e(row.id)) \(e(row.name ?? ""))</td><td class=\"n\">\(a.payable.fenString) \(e(words.status(a.shownStatus)))</td>"
        out += "<td class=\"n\">\(b.payable.fenString) \(e(words.status(b.shownStatus)))</td>"
        out += "<td class=\"n \(c.delta > .zero ? "gain" : "loss")\">\(words.signed(c.delta))</td><td class=\"why\">\(why)</td></tr>\n"
      }
      out += "</table>\n"
    }
    return out
  }
}
