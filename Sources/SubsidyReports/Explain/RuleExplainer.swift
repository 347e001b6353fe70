import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicyValues

/// `subsidy explain RULE`: a rule in plain words for an officer, with its clause.
public struct RuleExplainer {
  let program: Program
  let language: TextReport.Language

  public init(program: Program, language: TextReport.Language) {
    self.program = program
    self.language = language
  }

  private func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

  /// Rules matching `name`: `policy/rule`, a rule id, or a policy id (all its rules).
  public func find(_ name: String) -> [(CheckedPolicy, CheckedRule)] {
    let parts = name.split(separator: "/").map(String.init)
    return program.checkedPolicies.flatMap { policy in
      policy.rules.filter { rule in
        parts.count == 2 ? (policy.id == parts[0] && rule.id == parts[1]) : (rule.id == name || policy.id == name)
      }.map { (policy, $0) }
    }
  }

  public var allRuleNames: [String] { program.checkedPolicies.flatMap { p in p.rules.map { "\(p.id)/\($0.id)" } } }

  public func explain(_ policy: CheckedPolicy, _ rule: CheckedRule, on date: CivilDate) -> String {
    let plain = PlainExpression(schema: program.schema, parameters: policy.parameters, language: language, date: date)
    let s = rule.syntax
    var out = "\(policy.id) \(s.clause.value) \(rule.id)　《\(policy.syntax.title)》\n"
    let inherited = inheritedKeys(policy, rule)
    out += t("条文：", "Clause: ") + s.text + (inherited.contains("text") ? t("（基础政策 \(policy.syntax.extends?.value ?? "") 的条文，修订稿未改写）", " (the base policy's text, not rewritten by the overlay)") : "") + "\n"
    // The one-line formula: conditions → amount.
    var conditions = rule.conditions.map(plain.render)
    if let stable = s.vesting?.stableEmployment?.text {
      conditions.append(t("稳定就业满\(stable.replacingOccurrences(of: " months", with: "个月"))", "stably employed \(stable)"))
    }
    let what: String
    switch rule.amount {
    case .expression(let e)?:
      let text = plain.render(e)
      what = text.contains("元") ? text : text + t("元", " yuan")
    case .undetermined(let why)?: what = t("金额未定（\(why)）", "amount undetermined (\(why))")
    case nil: what = rule.kind == .qualification ? t("符合资格", "qualifies") : rule.kind == .obligation ? t("须履行义务", "an obligation falls due") : ""
    }
    out += "  " + conditions.joined(separator: " + ") + " → " + what + "\n"
    let subject = program.schema.entities[rule.subject]
    let subjectLabel = language == .zh ? (subject.label?.zh ?? subject.name) : (subject.label?.en ?? subject.name)
    out += t("对象：每一", "Subject: each ") + (rule.group != nil ? t("组", "group of ") : "") + subjectLabel
    if let group = rule.group {
      out += t("，按", ", by ") + group.by.map(plain.render).joined(separator: t("、", ", "))
      if let filter = group.filter { out += t("分组，限于", ", counting only ") + plain.render(filter) }
    }
    out += "\n"
    if let payee = rule.payee { out += t("付给：", "Paid to: ") + plain.render(payee) + "\n" }
    if let stable = s.vesting?.stableEmployment?.text {
      out += t("事件日期：稳定就业满\(ExplanationText.duration(stable, chinese: true))之日", "Event date: the day \(stable) of stable employment are complete") + "\n"
    } else if let on = rule.vestsOn {
      out += t("事件日期：", "Event date: ") + plain.render(on) + "\n"
    } else if let dated = rule.eventDate {
      var byGroup = plain
      byGroup.groupBy = rule.group?.by ?? []
      out += t("事件日期：", "Event date: ") + byGroup.render(dated.expr) + (dated.fromSchema ? t("（事实模式的默认）", " (the fact schema's default)") : "") + "\n"
    }
    if let until = s.vesting?.until?.text { out += t("须在 \(until) 前满足", "Must vest by \(until)") + "\n" }
    if !rule.limit.isEmpty {
      let words = rule.limit.map { k in k == "year" ? t("每年", "per year") : k == "payee" ? t("每个付款对象", "per payee") : t("每名受益人", "per beneficiary") }
      out += t("限额：", "Limit: ") + words.joined(separator: t("、", ", ")) + t("一次", " once") + "\n"
    }
    if !rule.evidence.isEmpty, let e = program.schema.enums["evidence"] {
      out += t("材料：", "Evidence: ") + rule.evidence.map { language == .zh ? (e.labels[$0]?.zh ?? e.cases[$0]) : e.cases[$0] }.joined(separator: t("、", ", ")) + "\n"
    }
    if let f = s.funding { out += t("资金：", "Funding: ") + f + "\n" }
    if let note = language == .en ? (s.noteEn ?? s.note) : s.note {
      out += t("说明：", "Note: ") + (inherited.contains("note") ? t("（基础政策 \(policy.syntax.extends?.value ?? "") 的说明，修订稿未改写）", "(the base policy's note, not rewritten by the overlay) ") : "") + note + "\n"
    }
    return out
  }

  /// For a rule an overlay overrides: the keys among `text` and `note` it left as the base wrote
  /// them. Their words may describe the base's amounts and dates, so they are labelled as the base's.
  /// (A merged rule's key spans are where each key was last written; see `OverlayMerger`.)
  func inheritedKeys(_ policy: CheckedPolicy, _ rule: CheckedRule) -> Set<String> {
    guard policy.syntax.extends != nil else { return [] }
    let own = policy.syntax.path
    let spans = rule.syntax.keySpans
    guard spans.values.contains(where: { $0.file == own }) else { return [] }  // inherited whole: consistent as it is
    return Set(["text", "note"].filter { key in spans[key].map { $0.file != own } ?? false })
  }
}
