import PolicyDSL
import PolicySupport

/// Checks one rule: its subject, its expressions, and that its kind has what it needs.
enum RuleChecker {
  /// `rejectedParameters` were declared but had errors: uses of them are not reported again.
  /// `qualifications` are the policy's qualification rules checked so far, for `meets("rule-id")`.
  static func check(_ rule: Rule, schema: FactSchema, parameters: [CheckedParameter], rejectedParameters: Set<String>,
                    qualifications: [String: CheckedRule] = [:], used: inout Set<Int>, into d: inout DiagnosticBag) -> CheckedRule? {
    let errorsBefore = d.errorCount
    let isGroup = rule.about.value == "group"
    // The parser has reported an unknown `about`, or a group without a usable `group`: checking
    // further would only add "no entity" errors about the same mistake.
    guard Rule.subjectKinds.contains(rule.about.value), !isGroup || rule.group != nil else { return nil }
    let subjectName = isGroup ? (rule.group?.of.value ?? "") : rule.about.value
    guard let subject = schema.entity(subjectName) else {
      let span = isGroup ? (rule.group?.of.span ?? rule.about.span) : rule.about.span
      d.add(.error("unknown-entity", "no entity `\(subjectName)` in the fact schema", zh: "事实模式中没有实体 `\(subjectName)`", at: span,
                   help: EditDistance.didYouMean(subjectName, among: schema.entities.map(\.name)),
                   helpZh: EditDistance.didYouMeanZh(subjectName, among: schema.entities.map(\.name))))
      return nil
    }
    let bindings = Bindings(subject: subject.index, schema: schema)
    var member = ExprChecker(schema: schema, parameters: parameters, bindings: bindings, context: isGroup ? .groupMember : .subject)
    member.rejectedParameters = rejectedParameters
    member.qualifications = qualifications
    var group: CheckedGroup?
    if isGroup, let spec = rule.group {
      let filter = spec.filter.flatMap { member.check($0, expecting: .bool, what: "`group.where`", into: &d) }
      let by = spec.by.compactMap { member.infer($0, into: &d) }
      group = CheckedGroup(of: subject.index, filter: filter, by: by)
    }
    var outer = member
    if isGroup {
      outer.context = .groupOuter
      outer.groupKeyTypes = group?.by.map(\.type) ?? []
    }
    // Payee and beneficiary are read from a subject (for groups: the first member).
    let payee = rule.payee.flatMap { checkParty($0, "`payee`", &member, &d) }
    let beneficiary = rule.beneficiary.flatMap { checkParty($0, "`beneficiary`", &member, &d) }
    if isGroup { checkGroupParties(rule, group: group, payee: payee, beneficiary: beneficiary, into: &d) }
    let conditions = rule.conditions.compactMap { outer.check($0, expecting: .bool, what: "a condition", into: &d) }
    var stable: TypedExpr?, on: TypedExpr?, until: TypedExpr?
    var startSlot = subject.field("start")?.slot, endSlot = subject.field("end")?.slot
    if let vesting = rule.vesting {
      if let s = vesting.stableEmployment {
        stable = outer.infer(s, into: &d)
        if let t = stable, !t.type.isDuration {
          d.add(.error("type-mismatch", "`stable_employment` must be a duration such as `3 months`, but `\(s.text)` is a \(t.type)",
                         zh: "`stable_employment` 须为时长（如 `3 months`），但 `\(s.text)` 是\(t.type.zh)", at: s.span))
          stable = nil
        }
        if subject.field("start")?.type != .date || subject.field("end")?.type != .date || isGroup {
          d.add(.error("stable-needs-dispatch", "`stable_employment` needs a subject with `start` and `end` dates, such as `dispatch`",
                         zh: "`stable_employment` 要求规则对象有 `start` 和 `end` 日期（如 `dispatch`）", at: s.span))
          startSlot = nil
          endSlot = nil
        }
      }
      on = vesting.on.flatMap { outer.check($0, expecting: .date, what: "`vesting.on`", into: &d) }
      until = vesting.until.flatMap { outer.check($0, expecting: .date, what: "`vesting.until`", into: &d) }
    }
    let dated = checkEventDate(rule, subject: subject, isGroup: isGroup, &outer, &d)
    var amount: CheckedAmount?
    switch rule.amount {
    case .expression(let e)?:
      let typed = outer.check(e, expecting: .number, what: "`amount`", into: &d)
      if let typed { ConstantChecks.checkAmount(typed, into: &d) }
      amount = typed.map(CheckedAmount.expression)
    case .undetermined(let why)?: amount = .undetermined(why.value)
    case nil: break
    }
    var due: CheckedDue?
    switch rule.due {
    case .date(let e)?: due = outer.check(e, expecting: .date, what: "`due`", into: &d).map(CheckedDue.date)
    case .monthly(let days)?: due = .monthly(days.map(\.value))
    case nil: break
    }
    let evidence = checkEvidence(rule, subject: subject, schema: schema, into: &d)
    checkKind(rule, into: &d)
    used.formUnion(member.usedParameters)
    used.formUnion(outer.usedParameters)
    guard d.errorCount == errorsBefore else { return nil }
    return CheckedRule(
      syntax: rule, subject: subject.index, group: group, payee: payee, beneficiary: beneficiary, conditions: conditions,
      stableEmployment: stable, vestsOn: on, vestsUntil: until, eventDate: dated, amount: amount, limit: canonicalLimit(rule, into: &d),
      evidence: evidence, evidenceSlot: subject.field("evidence")?.slot, due: due, startSlot: startSlot, endSlot: endSlot)
  }

  /// The rule's event date: its `vesting` when it vests, else `dated:`, else the default its subject's
  /// entity declares in the fact schema. A payment with none at all is judged on `as_of`, which pays
  /// for events before the law existed: `check` warns.
  private static func checkEventDate(_ rule: Rule, subject: FactSchema.Entity, isGroup: Bool, _ checker: inout ExprChecker,
                                     _ d: inout DiagnosticBag) -> CheckedEventDate? {
    if let e = rule.dated {
      return checker.check(e, expecting: .date, what: "`dated`", into: &d).map { CheckedEventDate(expr: $0, fromSchema: false) }
    }
    if rule.vesting != nil { return nil }
    if !isGroup, let e = subject.dated {
      // The schema's default is written in a rule's own names (`dispatch.start`): check it as one.
      var scratch = DiagnosticBag()
      if let typed = checker.check(e, expecting: .date, what: "the default `dated` of `\(subject.name)`", into: &scratch) {
        return CheckedEventDate(expr: typed, fromSchema: true)
      }
      for diagnostic in scratch.diagnostics { d.add(diagnostic) }
      return nil
    }
    // Entitlements (a loan ceiling) are granted on application, judged on `as_of`; cash is paid for an event.
    if rule.kind.value == .payment || rule.kind.value == .advance {
      d.add(.warning("no-event-date", "rule `\(rule.id.value)` has no event date: it is judged on `as_of`, so it would pay for events before the policy took effect",
                     zh: "规则 `\(rule.id.value)` 没有事件日期：它按 `as_of` 评判，会为政策生效以前的事件付款",
                     at: rule.id.span, help: "add `dated: <date>` (the date the clause attaches the entitlement to), or `vesting:`",
                     helpZh: "请加上 `dated: <日期>`（条款据以确定补贴的日期），或 `vesting:`"))
    }
    return nil
  }

  /// Limit keys in one fixed order, whatever the order written: the ledger's idempotency key must
  /// not change because an overlay wrote `[year, beneficiary]`.
  private static func canonicalLimit(_ rule: Rule, into d: inout DiagnosticBag) -> [String] {
    var seen: [String: SourceSpan] = [:]
    for key in rule.limit {
      if let first = seen[key.value] {
        d.add(.error("duplicate-limit-key", "limit key `\(key.value)` is written twice", zh: "限额键 `\(key.value)` 写了两次", at: key.span,
                     notes: [.init("first written here", zh: "第一次写在这里", at: first)]))
      }
      seen[key.value] = seen[key.value] ?? key.span
    }
    return Rule.canonicalLimit(Array(seen.keys))
  }

  private static func checkParty(_ e: Expr, _ what: String, _ checker: inout ExprChecker, _ d: inout DiagnosticBag) -> TypedExpr? {
    guard let t = checker.infer(e, into: &d) else { return nil }
    guard case .entity = t.type else {
      d.add(.error("type-mismatch", "\(what) must name a person or organisation, but `\(e.text)` is a \(t.type)",
                   zh: "\(ChinesePhrase.lead(what))须指向一个人或组织，但 `\(e.text)` 是\(t.type.zh)", at: e.span,
                   help: "name an entity such as `organizer`, `employer`, `person` or `household`",
                   helpZh: "请写一个实体，如 `organizer`、`employer`、`person` 或 `household`"))
      return nil
    }
    return t
  }

  private static func checkEvidence(_ rule: Rule, subject: FactSchema.Entity, schema: FactSchema, into d: inout DiagnosticBag) -> [Int] {
    guard !rule.evidence.isEmpty else { return [] }
    guard let kinds = schema.enums["evidence"] else {
      d.add(.error("unknown-enum", "the fact schema has no `evidence` enum", zh: "事实模式中没有 `evidence` 枚举", at: rule.evidence[0].span))
      return []
    }
    if subject.field("evidence") == nil {
      d.add(.error("no-evidence-field", "`\(subject.name)` has no `evidence` field to hold the documents this rule needs",
                   zh: "`\(subject.name)` 没有 `evidence` 字段，无法记录本规则需要的材料", at: rule.evidence[0].span))
    }
    var out: [Int] = []
    for id in rule.evidence {
      if let index = kinds.index(of: id.value) {
        out.append(index)
      } else {
        d.add(.error("unknown-evidence", "unknown evidence `\(id.value)`", zh: "未知的证明材料 `\(id.value)`", at: id.span,
                     help: EditDistance.didYouMean(id.value, among: kinds.cases) ?? "evidence ids: \(kinds.cases.joined(separator: ", "))",
                     helpZh: EditDistance.didYouMeanZh(id.value, among: kinds.cases) ?? "证明材料的编号：\(kinds.cases.map { "`\($0)`" }.joined(separator: "、"))"))
      }
    }
    return out
  }

  /// What each kind needs: payments an amount and a payee; obligations a due date; qualifications neither.
  /// A key that was written but did not parse has its own error already, so it is not "missing";
  /// a misplaced key is shown where it is written.
  private static func checkKind(_ rule: Rule, into d: inout DiagnosticBag) {
    let kind = rule.kind.value.rawValue
    func written(_ key: String) -> Bool { rule.keySpans[key] != nil }
    func at(_ key: String) -> SourceSpan { rule.keySpans[key] ?? rule.id.span }
    switch rule.kind.value {
    case .payment, .entitlement, .advance:
      if rule.amount == nil, !written("amount") {
        d.add(.error("missing-key", "a \(kind) rule needs an `amount` (or `amount: {undetermined: …}`)",
                   zh: "\(ChinesePhrase.zh(kind))规则需要 `amount`（或 `amount: {undetermined: …}`）", at: rule.id.span))
      }
      if rule.payee == nil, !written("payee") { d.add(.error("missing-key", "a \(kind) rule needs a `payee`", zh: "\(ChinesePhrase.zh(kind))规则需要 `payee`", at: rule.id.span)) }
      if rule.due != nil || written("due") { d.add(.error("misplaced-key", "`due` is for obligations", zh: "`due` 只用于义务（`obligation`）规则", at: at("due"))) }
    case .qualification:
      if rule.amount != nil || written("amount") { d.add(.error("misplaced-key", "a qualification has no `amount`", zh: "资格（`qualification`）规则没有 `amount`", at: at("amount"))) }
    case .obligation:
      if rule.due == nil, !written("due") {
        d.add(.error("missing-key", "an obligation needs a `due` date or `due: {monthly: [days]}`",
                   zh: "义务（`obligation`）规则需要 `due` 日期或 `due: {monthly: [days]}`", at: rule.id.span))
      }
      if rule.amount != nil || written("amount") { d.add(.error("misplaced-key", "an obligation has no `amount`", zh: "义务（`obligation`）规则没有 `amount`", at: at("amount"))) }
    }
  }
}
