/// The comparison as an analyst reads it in a terminal: the localisation statement, totals by
/// policy, category, funding and rule, each beneficiary and payee, and who gains or loses and why.
public struct CompareText {
  let report: CompareReport
  let words: CompareWords

  public init(report: CompareReport, language: TextReport.Language) {
    self.report = report
    words = CompareWords(language: language)
  }

  private func t(_ zh: String, _ en: String) -> String { words.t(zh, en) }

  public func render() -> String {
    var out = t("政策比较　评估日 \(report.asOf)　数据 \(report.input)\n", "Policy comparison as of \(report.asOf), cohort \(report.input)\n")
    for p in report.policies { out += "  \(p.id) = 《\(p.title)》" + t("（辖区 \(p.jurisdiction)）", " (jurisdiction \(p.jurisdiction))") + "\n" }
    out += "\n" + words.localisation(report) + "\n"
    if report.rowsRejected > 0 {
      out += t("\n有 \(report.rowsRejected) 行无法读取，已跳过：\n", "\n\(report.rowsRejected) rows could not be read and were skipped:\n")
      for r in report.rejects.prefix(5) {
        out += t("  第 \(r.line) 行 \(r.column) `\(r.value)`：\(r.reason.zh)\n", "  line \(r.line) \(r.column) `\(r.value)`: \(r.reason.en)\n")
      }
    }
    out += totals() + categories() + funding() + rules()
    out += parties(t("按受益人", "By beneficiary"), report.beneficiaries)
    out += parties(t("按付款对象", "By payee"), report.payees)
    out += changes()
    return out
  }

  private func totals() -> String {
    var table = TextTable()
    table.add([t("政策", "policy"), t("可发放（元）", "payable"), t("待发（元）", "awaiting"), t("可发放项", "payable items"), t("待发项", "awaiting items"), t("金额未定项", "undetermined")])
    for (i, p) in report.policies.enumerated() {
      let f = report.totals[i]
      table.add([p.id, f.payable.fenString, f.awaiting.fenString, String(f.payableCount), String(f.awaitingCount), String(f.undeterminedCount)])
    }
    return "\n" + t("合计", "Totals") + "\n" + table.render()
  }

  private func categories() -> String {
    var table = TextTable()
    table.add([t("类别（可发放/待发）", "category (payable/awaiting)")] + report.policies.map(\.id))
    for c in report.categories {
      table.add([words.category(c)] + report.byCategory.map { cell($0[c]) })
    }
    return "\n" + t("按类别", "By category") + "\n" + table.render()
  }

  private func funding() -> String {
    var table = TextTable(leftColumns: 2)
    table.add([t("政策", "policy"), t("资金来源", "funding"), t("可发放", "payable"), t("待发", "awaiting")])
    for (i, p) in report.policies.enumerated() {
      for line in report.byFunding[i] { table.add([p.id, words.funding(line.funding), line.figures.payable.fenString, line.figures.awaiting.fenString]) }
    }
    return "\n" + t("按资金来源", "By funding source") + "\n" + table.render()
  }

  private func rules() -> String {
    var table = TextTable(leftColumns: 3)
    table.add([t("政策", "policy"), t("条款", "clause"), t("规则", "rule"), t("可发放", "payable"), t("项", "items"), t("待发", "awaiting"), t("项", "items")])
    for (i, p) in report.policies.enumerated() {
      for r in report.byRule[i] {
        table.add([p.id, r.clause, r.rule, r.figures.payable.fenString, String(r.figures.payableCount), r.figures.awaiting.fenString, String(r.figures.awaitingCount)])
      }
    }
    return "\n" + t("按规则", "By rule") + "\n" + table.render()
  }

  private func cell(_ f: PolicyFigures?) -> String {
    guard let f else { return "—" }
    return "\(f.payable.fenString)/\(f.awaiting.fenString)"
  }

  private func parties(_ heading: String, _ rows: [PartyRow]) -> String {
    var table = TextTable(leftColumns: 2)
    table.add([t("编号", "id"), t("姓名/名称", "name")] + report.policies.map(\.id))
    for row in rows {
      table.add([row.id, row.name ?? ""] + row.figures.map { f in
        var text = "\(f.payable.fenString) \(words.status(f.shownStatus))"
        if f.awaiting > .zero { text += t("（待发 \(f.awaiting.fenString)）", " (awaiting \(f.awaiting.fenString))") }
        return text
      })
    }
    return "\n" + heading + "\n" + table.render()
  }

  private func changes() -> String {
    var out = ""
    for pair in report.pairs where pair.to != pair.from {
      let from = report.policies[pair.from].id, to = report.policies[pair.to].id
      out += "\n" + t("增减：\(from) → \(to)", "Gains and losses: \(from) → \(to)") + "\n"
      out += t("  增加 \(pair.gainers.count) 人，共 \(words.signed(pair.gained)) 元；减少 \(pair.losers.count) 人，共 \(words.signed(pair.lost)) 元；不变 \(pair.unchanged) 人\n",
               "  \(pair.gainers.count) gain, \(words.signed(pair.gained)) in all; \(pair.losers.count) lose, \(words.signed(pair.lost)) in all; \(pair.unchanged) unchanged\n")
      for change in pair.gainers + pair.losers { out += describe(change, pair) }
    }
    return out
  }

  private func describe(_ change: Change, _ pair: PairChanges) -> String {
    let row = report.beneficiaries[change.beneficiary]
    let from = report.policies[pair.from].id, to = report.policies[pair.to].id
    let a = row.figures[pair.from], b = row.figures[pair.to]
    var out = "  \(change.delta > .zero ? "+" : "-") \(row.id)\(row.name.map { " \($0)" } ?? "")　"
    out += "\(from) \(a.payable.fenString) \(words.status(a.shownStatus)) → \(to) \(b.payable.fenString) \(words.status(b.shownStatus))（\(words.signed(change.delta))）\n"
    guard let reason = change.reason else { return out }
    for (id, lines) in [(from, reason.from), (to, reason.to)] {
      if lines.isEmpty { out += "      \(id)" + t("：无结果", ": no result") + "\n" }
      for l in lines { out += "      \(id)" + t("：", ": ") + "\(l.status == .payable ? "✔" : l.status == .ineligible ? "✘" : "…") " + words.line(l) + "\n" }
    }
    if let d = reason.difference { out += "      → " + words.difference(d, report, pair) + "\n" }
    return out
  }
}
