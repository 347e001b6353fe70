import PolicyCheck
import PolicyDSL
import PolicyValues

extension PolicyDiffer {
  /// Rules matched by id: added, removed, and for each shared rule what its conditions, amount,
  /// vesting, limit, evidence, funding, payee and wording became.
  func rules(_ a: CheckedPolicy, _ b: CheckedPolicy, dates: [CivilDate], latest: CivilDate) -> [PolicyDiff.Entry] {
    var out: [PolicyDiff.Entry] = []
    for rule in b.rules {
      guard let old = a.rules.first(where: { $0.id == rule.id }) else {
        let formula = self.formula(rule, plain(b, on: latest))
        out.append(.init(section: .rule, subject: rule.id, clause: rule.syntax.clause.value, change: .added, field: "rule", before: nil,
                         after: formula, from: nil, line: t("新增规则 ", "Added rule ") + "\(rule.syntax.clause.value) \(rule.id)" + t("：", ": ") + formula))
        continue
      }
      out += ruleChanges(old, rule, a, b, dates: dates, latest: latest)
    }
    for rule in a.rules where !b.rules.contains(where: { $0.id == rule.id }) {
      out.append(.init(section: .rule, subject: rule.id, clause: rule.syntax.clause.value, change: .removed, field: "rule", before: nil, after: nil,
                       from: nil, line: t("删除规则 ", "Removed rule ") + "\(rule.syntax.clause.value) \(rule.id)"))
    }
    return out
  }

  /// `conditions → amount`, the one-line reading `subsidy explain` gives.
  func formula(_ rule: CheckedRule, _ plain: PlainExpression) -> String {
    let conditions = rule.conditions.map(plain.render).joined(separator: " + ")
    return (conditions.isEmpty ? "" : conditions + " → ") + amount(rule, plain)
  }

  func amount(_ rule: CheckedRule, _ plain: PlainExpression) -> String {
    switch rule.amount {
    case .expression(let e)?:
      let text = plain.render(e)
      return text.contains("元") || language == .en ? text : text + "元"
    case .undetermined(let why)?: return t("金额未定（\(why)）", "undetermined (\(why))")
    case nil: return t("无金额", "no amount")
    }
  }

  private func ruleChanges(_ a: CheckedRule, _ b: CheckedRule, _ pa: CheckedPolicy, _ pb: CheckedPolicy, dates: [CivilDate], latest: CivilDate) -> [PolicyDiff.Entry] {
    let id = b.id, clause = b.syntax.clause.value
    let prefix = "\(clause) \(id)" + t("：", ": ")
    let plainA = plain(pa, on: latest), plainB = plain(pb, on: latest)
    let none = t("无", "none")
    var out: [PolicyDiff.Entry] = []
    func add(_ field: String, _ label: String, _ before: String, _ after: String) {
      if before != after { out.append(changed(.rule, id, clause, field: field, label: label, before, after, prefix: prefix)) }
    }
    add("clause", t("条款", "clause"), a.syntax.clause.value, clause)
    add("kind", t("类型", "kind"), a.kind.rawValue, b.kind.rawValue)
    add("about", t("对象", "subject"), a.syntax.about.value, b.syntax.about.value)
    add("payee", t("付给", "paid to"), a.payee.map(plainA.render) ?? none, b.payee.map(plainB.render) ?? none)
    add("beneficiary", t("受益人", "beneficiary"), a.beneficiary.map(plainA.render) ?? none, b.beneficiary.map(plainB.render) ?? none)
    out += conditionChanges(a, b, plainA, plainB, prefix: prefix)
    out += amountChanges(a, b, pa, pb, dates: dates, fallback: latest, prefix: prefix)
    add("vesting.stable_employment", t("稳定就业", "stable employment"), a.stableEmployment.map(plainA.render) ?? none, b.stableEmployment.map(plainB.render) ?? none)
    add("vesting.on", t("生效日", "vests on"), a.vestsOn.map(plainA.render) ?? none, b.vestsOn.map(plainB.render) ?? none)
    let untilA = a.vestsUntil.map { t("须在 \(plainA.render($0)) 前满足", "must vest by \(plainA.render($0))") } ?? t("无期限", "no deadline")
    let untilB = b.vestsUntil.map { t("须在 \(plainB.render($0)) 前满足", "must vest by \(plainB.render($0))") } ?? t("无期限", "no deadline")
    if untilA != untilB { out.append(changed(.rule, id, clause, field: "vesting.until", label: "", untilA, untilB, prefix: prefix)) }
    add("limit", t("限额", "limit"), limit(a.limit), limit(b.limit))
    out += evidenceChanges(a, b, prefix: prefix)
    add("funding", t("资金", "funding"), a.syntax.funding ?? none, b.syntax.funding ?? none)
    add("obligor", t("义务人", "obligor"), a.syntax.obligor ?? none, b.syntax.obligor ?? none)
    add("due", t("期限", "due"), due(a, plainA), due(b, plainB))
    add("text", t("条文", "text"), a.syntax.text, b.syntax.text)
    add("note", t("说明", "note"), (language == .en ? a.syntax.noteEn ?? a.syntax.note : a.syntax.note) ?? none,
        (language == .en ? b.syntax.noteEn ?? b.syntax.note : b.syntax.note) ?? none)
    return out
  }

  /// Conditions compared by their source text: a reworded condition is one dropped and one added.
  private func conditionChanges(_ a: CheckedRule, _ b: CheckedRule, _ plainA: PlainExpression, _ plainB: PlainExpression, prefix: String) -> [PolicyDiff.Entry] {
    let textsA = a.conditions.map(\.source.text), textsB = b.conditions.map(\.source.text)
    var out: [PolicyDiff.Entry] = []
    for c in b.conditions where !textsA.contains(c.source.text) {
      let words = plainB.render(c)
      out.append(.init(section: .rule, subject: b.id, clause: b.syntax.clause.value, change: .added, field: "conditions", before: nil, after: words,
                       from: nil, line: prefix + t("新增条件 ", "added condition ") + words + t("（\(c.source.text)）", " (`\(c.source.text)`)")))
    }
    for c in a.conditions where !textsB.contains(c.source.text) {
      let words = plainA.render(c)
      out.append(.init(section: .rule, subject: b.id, clause: b.syntax.clause.value, change: .removed, field: "conditions", before: words, after: nil,
                       from: nil, line: prefix + t("删除条件 ", "dropped condition ") + words + t("（\(c.source.text)）", " (`\(c.source.text)`)")))
    }
    return out
  }

  /// The amount as written, or when the formula is the same, as valued on each date a parameter it
  /// reads changes: `金额 100元/人/年 → 150元/人/年（自 2026-01-01）`.
  private func amountChanges(_ a: CheckedRule, _ b: CheckedRule, _ pa: CheckedPolicy, _ pb: CheckedPolicy, dates: [CivilDate], fallback: CivilDate, prefix: String) -> [PolicyDiff.Entry] {
    let label = t("金额", "amount")
    let latest = dates.last ?? fallback
    if amountSource(a) != amountSource(b) {
      let before = amount(a, plain(pa, on: latest)), after = amount(b, plain(pb, on: latest))
      return [changed(.rule, b.id, b.syntax.clause.value, field: "amount", label: label, before, after, prefix: prefix)]
    }
    var out: [PolicyDiff.Entry] = []
    var last: (String, String)?
    for date in dates {
      let before = amount(a, plain(pa, on: date)), after = amount(b, plain(pb, on: date))
      if before == after {
        last = nil
        continue
      }
      if let l = last, l == (before, after) { continue }
      last = (before, after)
      out.append(changed(.rule, b.id, b.syntax.clause.value, field: "amount", label: label, before, after, from: date, prefix: prefix))
    }
    return out
  }

  private func amountSource(_ r: CheckedRule) -> String {
    switch r.syntax.amount {
    case .expression(let e)?: e.text
    case .undetermined(let why)?: "undetermined: " + why.value
    case nil: ""
    }
  }

  private func evidenceChanges(_ a: CheckedRule, _ b: CheckedRule, prefix: String) -> [PolicyDiff.Entry] {
    let names = schema.enums["evidence"]
    func label(_ i: Int) -> String {
      guard let names, i < names.cases.count else { return "#\(i)" }
      return language == .zh ? (names.labels[i]?.zh ?? names.cases[i]) : names.cases[i]
    }
    var out: [PolicyDiff.Entry] = []
    for e in b.evidence where !a.evidence.contains(e) {
      out.append(.init(section: .rule, subject: b.id, clause: b.syntax.clause.value, change: .added, field: "evidence", before: nil, after: label(e),
                       from: nil, line: prefix + t("新增材料 ", "now requires ") + label(e)))
    }
    for e in a.evidence where !b.evidence.contains(e) {
      out.append(.init(section: .rule, subject: b.id, clause: b.syntax.clause.value, change: .removed, field: "evidence", before: label(e), after: nil,
                       from: nil, line: prefix + t("不再要求材料 ", "no longer requires ") + label(e)))
    }
    return out
  }

  private func limit(_ keys: [String]) -> String {
    guard !keys.isEmpty else { return t("不限", "none") }
    let words = keys.map { k in k == "year" ? t("每年", "per year") : k == "payee" ? t("每个付款对象", "per payee") : t("每名受益人", "per beneficiary") }
    return words.joined(separator: t("、", ", ")) + t("一次", " once")
  }

  private func due(_ r: CheckedRule, _ plain: PlainExpression) -> String {
    switch r.due {
    case .date(let e)?: return plain.render(e)
    case .monthly(let days)?: return t("每月", "monthly on ") + days.map(String.init).joined(separator: t("、", ", ")) + t("日", "")
    case nil: return t("无", "none")
    }
  }
}
