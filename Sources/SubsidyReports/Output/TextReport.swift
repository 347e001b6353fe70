import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues

/// The report an officer reads: grouped by beneficiary, each line with amount, dates, payee,
/// an evidence checklist and the clause it rests on. Chinese by default.
public struct TextReport {
  public enum Language: String, Sendable, CaseIterable { case zh, en }

  let program: Program
  let facts: Facts
  let language: Language
  let showPII: Bool
  let redactor: PIIRedactor
  /// Under each result that is not payable, what would make it payable (`--why-not`).
  public var whyNot = false

  public init(program: Program, facts: Facts, language: Language, showPII: Bool = false) {
    self.program = program
    self.facts = facts
    self.language = language
    self.showPII = showPII
    self.redactor = PIIRedactor(program: program)
  }

  /// An id as printed: masked where it looks like an ID number, unless `--show-pii`.
  private func shown(_ id: String) -> String { PIIMask.mask(id, show: showPII) }

  private func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

  public func render(asOf: CivilDate, results: [EvalResult]) -> String {
    var out = t("补贴评估报告　评估日 \(asOf)\n", "Subsidy assessment as of \(asOf)\n")
    let counts = Dictionary(grouping: results, by: \.status).mapValues(\.count)
    let summary = Status.allCases.compactMap { s in counts[s].map { "\(label(s)) \($0)" } }.joined(separator: t("，", ", "))
    out += t("共 \(results.count) 项结果：", "\(results.count) results: ") + summary + "\n"
    for policy in program.checkedPolicies where results.contains(where: { $0.policy == policy.id }) {
      let doc = policy.syntax.document
      out += "  \(policy.id) = 《\(policy.syntax.title)》\(doc.issuer.isEmpty ? "" : " \(doc.issuer)")\(doc.date.map { " \($0)" } ?? "")\n"
    }
    var order: [String] = []
    var byBeneficiary: [String: [EvalResult]] = [:]
    // Obligations that do not apply are in the JSON; the officer's report leaves them out.
    for r in results where r.status != .notApplicable {
      let key = r.beneficiary ?? r.subject
      if byBeneficiary[key] == nil { order.append(key) }
      byBeneficiary[key, default: []].append(r)
    }
    for key in order {
      out += "\n" + heading(for: key) + "\n"
      for r in byBeneficiary[key] ?? [] { out += line(r, asOf: asOf) }
    }
    // Subsidies only: an advance is returned later and an entitlement (a loan ceiling) is not cash.
    func total(_ kind: Rule.Kind) -> Fixed {
      results.filter { $0.status == .payable && $0.kind == kind }.compactMap(\.amount).reduce(Fixed.zero) { $0.adding($1) ?? $0 }
    }
    out += "\n" + t("可发放补贴合计：\(total(.payment).fenString) 元\n", "Total payable subsidies: CNY \(total(.payment).fenString)\n")
    if results.contains(where: { $0.kind == .advance && $0.status == .payable }) {
      out += t("可垫支合计（周转资金，须返还，不计入补贴）：\(total(.advance).fenString) 元\n",
               "Total advances (revolving, to be returned; not subsidies): CNY \(total(.advance).fenString)\n")
    }
    return out
  }

  /// "人员 P1 李四（户籍 533123，身份证 533123********123X）" or the organisation/household.
  private func heading(for id: String) -> String {
    for entity in program.schema.entities {
      guard let index = facts.tables[entity.index].index[id] else { continue }
      let record = facts.tables[entity.index].record(index)
      let name = entity.field("name").flatMap { if case .string(let s) = record[$0.slot] { s } else { nil } }
      var details: [String] = []
      if let f = entity.field("hukou"), case .code(let c) = record[f.slot] { details.append(t("户籍 \(c)", "hukou \(c)")) }
      if let f = entity.field("location"), case .code(let c) = record[f.slot] { details.append(t("所在地 \(c)", "at \(c)")) }
      if let f = entity.field("id_number"), case .string(let s) = record[f.slot] {
        let number = PIIMask.masked(s, show: showPII)
        details.append(t("身份证 \(number)", "ID \(number)"))
      }
      let kind = language == .zh ? (entity.label?.zh ?? entity.name) : (entity.label?.en ?? entity.name)
      let extra = details.isEmpty ? "" : t("（", " (") + details.joined(separator: t("，", ", ")) + t("）", ")")
      return "■ \(kind) \(shown(id))\(name.map { " \($0)" } ?? "")\(extra)"
    }
    return "■ \(shown(id))"
  }

  private func label(_ s: Status) -> String { language == .zh ? s.label.zh : s.label.en }

  private func line(_ r: EvalResult, asOf: CivilDate) -> String {
    let policy = program.checkedPolicies.first { $0.id == r.policy }
    let rule = policy?.rules.first { $0.id == r.rule }
    let mark = [.payable, .met, .due].contains(r.status) ? "✔" : r.status == .ineligible || r.status == .notMet ? "✘" : "…"
    var amount = ""
    if let a = r.amount { amount = t("　\(a.fenString) 元", "  CNY \(a.fenString)") }
    if r.status == .undetermined { amount = t("　金额未定", "  amount undetermined") }
    var out = "  \(mark) [\(label(r.status))] \(r.policy) \(r.clause) \(r.rule)\(amount)\n"
    var facts: [String] = []
    if r.subject != r.beneficiary { facts.append(t("事项 \(shown(r.subject))", "subject \(shown(r.subject))")) }
    if let payee = r.payee { facts.append(t("付给 \(shown(payee))", "paid to \(shown(payee))")) }
    if let d = r.eligibleFrom { facts.append(t("生效 \(d)", "vests \(d)")) }
    if let d = r.expires { facts.append(t("截止 \(d)", "expires \(d)")) }
    if let d = r.due { facts.append(t("期限 \(d)", "due \(d)")) }
    if let f = r.funding { facts.append(t("资金 \(f)", "funding \(f)")) }
    if let o = r.obligor { facts.append(t("责任单位 \(o)", "by \(o)")) }
    if !facts.isEmpty { out += "      " + facts.joined(separator: " · ") + "\n" }
    if let text = rule?.syntax.text, !text.isEmpty, r.status != .ineligible, r.status != .notApplicable {
      out += "      " + t("依据：", "clause: ") + "《\(policy?.syntax.title ?? "")》\(r.clause) “\(String(text.prefix(60)))\(text.count > 60 ? "……" : "")”\n"
    }
    if !r.evidence.isEmpty {
      let labels = program.schema.enums["evidence"]
      let items = r.evidence.map { e -> String in
        let i = labels?.index(of: e.id)
        let name = i.flatMap { labels?.labels[$0] }.map { language == .zh ? $0.zh : $0.en } ?? e.id
        return "\(e.provided ? "☑" : "☐") \(name)"
      }
      out += "      " + t("材料：", "evidence: ") + items.joined(separator: "  ") + "\n"
    }
    let words = ExplanationText(program: program, facts: self.facts, language: language, showPII: showPII)
    if let why = r.undetermined { out += "      " + t("未定原因：", "undetermined: ") + "\(r.clause)" + t("：", ": ") + words.undetermined(why, of: r) + "\n" }
    for check in r.explanation where !check.holds {
      let check = showPII ? check : redactor.check(check)
      out += "      ✘ " + words.line(check, of: r) + "\n"
    }
    if whyNot, let toPay = program.toPay(r, facts: self.facts, asOf: asOf) {
      let steps = ToPayText(program: program, language: language, showPII: showPII).lines(toPay)
      if !steps.isEmpty {
        out += "      " + t(toPay.possible ? "→ 如何可发放：" : "→ 不能发放的原因：", toPay.possible ? "→ to make it payable: " : "→ why it cannot be paid: ") + "\n"
        for step in steps { out += "        · \(step)\n" }
      }
    }
    return out
  }
}

extension TextReport.Language {
  /// The same choice for diagnostics and other sentences made in both languages (`LocalizedText`):
  /// PolicySupport has its own enum, as it cannot see the reports.
  public var diagnostics: DiagnosticLanguage { self == .zh ? .zh : .en }
}
