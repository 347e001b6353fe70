import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues

extension Program {
  /// Evaluates every rule of every policy whose jurisdiction covers a subject, on `asOf`.
  ///
  /// Results come out for eligible and ineligible subjects alike, each with its explanation.
  /// Limits ("once per worker per year") are applied across all subjects of a rule afterwards.
  public func evaluate(_ facts: Facts, asOf: CivilDate) -> [EvalResult] {
    evaluate(facts, asOf: asOf, where: { _ in true }, applyLimits: true)
  }

  /// Whether `policy` judges the subject at `ctx.record`: it is in the policy's area and in no area where
  /// an overlay loaded beside the policy supersedes it.
  func applies(_ policy: CompiledPolicy, _ anchor: AnchorReader, _ ctx: EvalContext, _ households: HouseholdCodes) -> Bool {
    guard covers(policy.jurisdiction, anchor, ctx, households) else { return false }
    return !policy.supersededBy.contains { covers($0.area, anchor, ctx, households) }
  }

  func covers(_ area: Jurisdiction, _ anchor: AnchorReader, _ ctx: EvalContext, _ households: HouseholdCodes) -> Bool {
    switch anchor.mode {
    case .path:
      guard case .code(let code) = anchor.read(ctx) else { return false }
      return area.contains(code)
    case .householdMembers:
      return households.codes[ctx.record]?.contains { area.contains($0) } ?? false
    case .none:
      return true
    }
  }

  /// One rule for the subject at `ctx.record`.
  func evaluate(_ rule: CompiledRule, _ policy: CompiledPolicy, _ ctx: EvalContext, subject: String, asOf: CivilDate,
                renderer: ValueRenderer, explain: Bool = true, conditionsHold: Bool = false, amount: Fixed? = nil) -> EvalResult? {
    evaluate(rule, policy, ctx, subject: subject, asOf: asOf, renderer: renderer, isGroup: false, explain: explain, conditionsHold: conditionsHold,
             amount: amount)
  }

  /// One rule for one subject (the record at `ctx.record`); for a group there is no record: its
  /// expressions read aggregates.
  ///
  /// With `explain: false` (a batch, where refusals are only counted) conditions stop at the first that
  /// fails, no value is rendered, and a refused subject gives nil instead of a result.
  ///
  /// `conditionsHold`: the rule's column program found every condition true for this subject (known,
  /// not undetermined), so an unexplained evaluation does not evaluate them again.
  /// `amount`: the rule's amount as its column program computed it (known), so it is not evaluated again.
  func evaluate(_ rule: CompiledRule, _ policy: CompiledPolicy, _ ctx: EvalContext, subject: String, asOf: CivilDate,
                renderer: ValueRenderer, isGroup: Bool, explain: Bool = true, conditionsHold: Bool = false, amount: Fixed? = nil) -> EvalResult? {
    // Read through the class (`rule.checked.…`), never copied out whole: a copy of the checked rule
    // retained every string and array in it, per rule and subject.
    var checks: [Check] = []
    var verdict = Verdict()
    let timing = self.timing(rule, ctx, asOf: asOf, isGroup: isGroup)
    let (vest, eventUnknown) = (timing.vest, timing.eventUnknown)
    switch timing.source {
    case .stableEmployment(let start, let end):
      let holds = vest.map { v in end.map { $0 >= v } ?? true } ?? false
      verdict.add(holds ? .bool(true) : .bool(false))
      if explain {
        let text = rule.checked.syntax.vesting?.stableEmployment?.text ?? ""
        checks.append(Check(check: "stable employment ≥ \(text)",
                            value: "start \(start.map(String.init(describing:)) ?? "null") → vests \(vest.map(String.init(describing:)) ?? "null"), end \(end.map(String.init(describing:)) ?? "null")",
                            holds: holds, span: rule.checked.syntax.vesting?.span,
                            reason: .stableEmployment(duration: text, start: start, vests: vest, end: end)))
      }
    case .vestsOn:
      verdict.add(vest != nil ? .bool(true) : .null)
      if explain {
        checks.append(Check(check: "vests on \(rule.checked.syntax.vesting?.on?.text ?? "")", value: vest.map(String.init(describing:)) ?? "null",
                            holds: vest != nil, span: rule.checked.syntax.vesting?.span,
                            reason: .vestsOn(expression: rule.checked.syntax.vesting?.on?.text ?? "", date: vest)))
      }
    case .dated, .none:
      break
    }
    if !explain, verdict.refused { return nil }
    let ruleDate = timing.ruleDate
    ctx.date = timing.parameterDate
    var expires = policy.checked.syntax.effectiveUntil?.value
    if eventUnknown == nil {
      if let until = rule.vestsUntil, let last = until(ctx).date {
        expires = min(expires ?? last, last)
        verdict.add(.bool(ruleDate <= last))
        if explain {
          checks.append(Check(check: "vests on or before \(last)", value: ruleDate.description, holds: ruleDate <= last,
                              span: rule.checked.syntax.vesting?.until?.span, reason: .vestsBy(last: last, date: ruleDate)))
        }
      }
      // The policy applies to events in its effective period, not to whatever is judged while it is in force.
      if let from = policy.checked.syntax.effectiveFrom?.value, ruleDate < from {
        verdict.add(.bool(false))
        if explain {
          checks.append(Check(check: "policy in force (from \(from))", value: ruleDate.description, holds: false, span: rule.checked.eventDateSpan,
                              reason: .policyFrom(from, event: ruleDate)))
        }
      }
      if let until = policy.checked.syntax.effectiveUntil?.value, ruleDate > until {
        verdict.add(.bool(false))
        if explain {
          checks.append(Check(check: "policy in force (until \(until))", value: ruleDate.description, holds: false, span: rule.checked.eventDateSpan,
                              reason: .policyUntil(until, event: ruleDate)))
        }
      }
    } else {
      verdict.add(.undetermined(eventUnknown ?? .eventDateNotGiven("")))
      if explain {
        let text = rule.checked.eventDate?.expr.source.text ?? ""
        checks.append(Check(check: "event date \(text)", value: "null", holds: false, span: rule.checked.eventDateSpan,
                            reason: .eventDateNotGiven(expression: text)))
      }
    }
    if !explain, verdict.refused { return nil }
    for (index, condition) in rule.conditions.enumerated() where explain || !conditionsHold {
      let value = condition.eval(ctx)
      verdict.add(value)
      if explain {
        let witnesses = condition.witnesses.map { CheckReason.Witness(value: $0.0(ctx), type: $0.1) }
        let seen = witnesses.map { renderer.render($0.value, as: $0.type) }.joined(separator: ", ")
        checks.append(Check(check: condition.text, value: seen.isEmpty ? renderer.render(value) : seen, holds: value == .bool(true), span: condition.span,
                            reason: .condition(rule: rule.index, index: index, witnesses: witnesses, value: value)))
      } else if verdict.refused {
        return nil
      }
    }
    var result = EvalResult(
      policy: policy.checked.id, rule: rule.checked.id, clause: rule.checked.syntax.clause.value, kind: rule.checked.kind, subject: subject,
      beneficiary: nil, payee: nil, payeeKind: nil, amount: nil, status: .ineligible, eligibleFrom: vest, expires: expires, due: nil,
      evidence: [], funding: rule.checked.syntax.funding, obligor: rule.checked.syntax.obligor, explanation: checks, undetermined: nil, ruleDate: ruleDate, limitKey: nil, period: subject)
    if !rule.isGroup { fillParties(&result, rule, ctx) }
    fillEvidence(&result, rule, ctx, isGroup: isGroup)
    result.ruleIndex = rule.index
    // Which record of its table the subject is (a batch chunk may hold two of one id). Set here, where
    // the result is made: set on each kept result afterwards, the copy cost a batch 5 % of its evaluation.
    if !isGroup { result.record = ctx.record }
    decide(&result, rule, ctx, asOf: asOf, verdict: verdict, explain: explain, amount: amount)
    result.eventDateKnown = eventUnknown == nil
    // A group's parties are known only after its first member is read (`finishGroup` settles its key).
    if !isGroup { settleLimitKey(&result, rule, writingKey: explain) }
    if let base = policy.checked.syntax.extends?.value, explain {
      result.explanation.append(Check(check: "overlay of `\(base)`: supersedes it in \(policy.checked.syntax.jurisdiction.value)",
                                      value: policy.checked.id, holds: true,
                                      reason: .overlay(base: base, area: policy.checked.syntax.jurisdiction.value)))
    }
    if rule.checked.kind.paysOut, result.status != .ineligible, eventUnknown == nil { result.eligibleFrom = ruleDate }
    return result
  }

  /// When rule `rule`'s event happens for the subject at `ctx.record`, judged on `asOf`: the day it
  /// vests (stable employment, `vesting.on`) or its `dated:` event, read with parameters valued on
  /// `asOf`. `evaluate` explains it; "what would make it payable" judges conditions again on it.
  @inline(__always)
  func timing(_ rule: CompiledRule, _ ctx: EvalContext, asOf: CivilDate, isGroup: Bool) -> RuleTiming {
    ctx.date = asOf
    if let stable = rule.stable, let startSlot = rule.checked.startSlot, let endSlot = rule.checked.endSlot, !isGroup {
      // "Stable employment of N months" vests at start + N months if not ended before. The subject's
      // record is read in place (no copy of the record).
      let duration = stable(ctx)
      let start = ctx.columns[rule.checked.subject][startSlot][ctx.record].date
      var vest: CivilDate?
      if let start, case .duration(let n, let unit) = duration {
        vest = ExprCompiler.arithmetic(.plus, .date(start), .duration(n, unit), "").date
      }
      let end = ctx.columns[rule.checked.subject][endSlot][ctx.record].date
      return RuleTiming(asOf: asOf, source: .stableEmployment(start: start, end: end), vest: vest)
    } else if let on = rule.vestsOn {
      return RuleTiming(asOf: asOf, source: .vestsOn, vest: on(ctx).date)
    } else if let dated = rule.eventDate, rule.checked.eventDate != nil {
      switch dated(ctx) {
      case .date(let d): return RuleTiming(asOf: asOf, source: .dated, event: d)
      case .undetermined(let why): return RuleTiming(asOf: asOf, source: .dated, eventUnknown: why)
      default: return RuleTiming(asOf: asOf, source: .dated, eventUnknown: .eventDateNotGiven(rule.checked.eventDate?.expr.source.text ?? ""))
      }
    }
    return RuleTiming(asOf: asOf, source: .none)
  }

  /// The limit key (`policy|rule|P1|2024`), in the limit's canonical order. A part that is not known
  /// (no household on record, no event date) never becomes a key that unrelated subjects would share:
  /// the claim is undetermined and takes no limit.
  ///
  /// Without `writingKey` (a batch's unexplained results) only the slot is set: a batch settles limits
  /// by slot and builds the ledger's key from it (`PayoutRow.key`) only when a ledger asks, so the
  /// key's string was made and thrown away for every payment.
  func settleLimitKey(_ result: inout EvalResult, _ rule: CompiledRule, writingKey: Bool = true) {
    guard !rule.checked.limit.isEmpty, result.status != .ineligible else { return }
    let slot = LimitSlot(rule: result.ruleIndex, limit: rule.checked.limit, beneficiary: result.beneficiary, payee: result.payee,
                         eventDate: result.eventDateKnown ? result.ruleDate : nil)
    guard let slot else {
      let missing = [("beneficiary", result.beneficiary == nil), ("payee", result.payee == nil), ("year", !result.eventDateKnown)]
        .filter { rule.checked.limit.contains($0.0) && $0.1 }.map(\.0)
      if result.status.claimsLimit {
        result.status = .undetermined
        result.amount = nil
        result.undetermined = .limitPartUnknown(missing)
        result.explanation.append(Check(check: "limit: once per \(rule.checked.limit.joined(separator: " and "))",
                                        value: "\(missing.joined(separator: ", ")): null", holds: false, span: rule.checked.syntax.limit.first?.span,
                                        reason: .limitPartUnknown(limit: rule.checked.limit, parts: missing)))
      }
      return
    }
    result.limitSlot = slot
    if writingKey { result.limitKey = slot.ledgerKey(policy: result.policy, rule: result.rule, limit: rule.checked.limit) }
    result.period = slot.period
  }

  private func fillParties(_ result: inout EvalResult, _ rule: CompiledRule, _ ctx: EvalContext) {
    if let payee = rule.payee {
      let value = payee(ctx)
      result.payee = ctx.facts.id(of: value)
      if case .entity(let kind, _) = value { result.payeeKind = schema.entities[kind].name }
    }
    if let beneficiary = rule.beneficiary {
      result.beneficiary = ctx.facts.id(of: beneficiary(ctx))
    } else if rule.checked.group == nil {
      // Default: the subject's person, else the subject itself.
      let entity = schema.entities[rule.checked.subject]
      if let slot = entity.field("person")?.slot, case .reference = entity.fields[slot].type {
        result.beneficiary = ctx.facts.id(of: ctx.facts.tables[entity.index][record: ctx.record, slot: slot])
      } else {
        result.beneficiary = result.subject
      }
    }
  }

  /// The rule's evidence checklist: each document it asks for, and whether the subject's record has it.
  /// A list held as bits (`FactColumn.Codec.enumSet`) is read in place, with no list built per result.
  private func fillEvidence(_ result: inout EvalResult, _ compiled: CompiledRule, _ ctx: EvalContext, isGroup: Bool) {
    guard !compiled.checked.evidence.isEmpty, !evidenceCases.isEmpty else { return }
    let names = evidenceCases
    guard let slot = compiled.checked.evidenceSlot, !isGroup else {
      result.evidence = compiled.checked.evidence.map { (names[$0], false) }
      return
    }
    let (kind, record) = (compiled.checked.subject, ctx.record)
    if ctx.columns[kind][slot].codec == .enumSet {
      let bits = ctx.columns[kind][slot].states[record] == FactColumn.known ? ctx.columns[kind][slot].values[record] : 0
      result.evidence = compiled.checked.evidence.map { (names[$0], $0 < FactColumn.Codec.enumSetCases && (bits >> Int64($0)) & 1 == 1) }
      return
    }
    var provided: [Value] = []
    if case .list(let items) = ctx.columns[kind][slot][record] { provided = items }
    result.evidence = compiled.checked.evidence.map { (names[$0], provided.contains(.enumCase($0))) }
  }

  /// Status in the order of shared/domain.md: ineligible → pending → undetermined → missing_evidence → payable.
  /// A condition that is false or unknown (a fact not given) makes the result ineligible; one the law
  /// leaves undetermined (an ended parameter, a table gap) makes it undetermined, never ineligible.
  private func decide(_ result: inout EvalResult, _ rule: CompiledRule, _ ctx: EvalContext, asOf: CivilDate, verdict: Verdict,
                      explain: Bool, amount known: Fixed? = nil) {
    switch rule.checked.kind {
    case .qualification:
      result.status = verdict.holds ? .met : .notMet
      return
    case .obligation:
      guard verdict.holds else {
        result.status = .notApplicable
        return
      }
      result.due = dueDate(rule, ctx, asOf: asOf)
      result.status = (result.due.map { $0 >= asOf } ?? true) ? .due : .overdue
      return
    case .payment, .entitlement, .advance:
      break
    }
    guard !verdict.refused else {
      result.status = .ineligible
      return
    }
    result.undetermined = verdict.undetermined
    switch rule.checked.amount {
    case .undetermined(let why)?:
      result.undetermined = result.undetermined ?? .silent(why)
    case .expression?:
      switch known.map(Value.number) ?? rule.amount?(ctx) ?? .null {
      case .number(let n):
        let fen = n.roundedToFen()
        // A zero amount is never payable and never takes a limit ("0.001 yuan" must not use up the one payment).
        if fen <= .zero {
          result.status = .ineligible
          result.explanation.append(Check(check: "amount > 0", value: fen.fenString, holds: false, span: rule.checked.syntax.keySpans["amount"],
                                          reason: .amountNotPositive(fen.fenString)))
          return
        }
        result.amount = fen
      case .undetermined(let why): result.undetermined = result.undetermined ?? why
      default: result.undetermined = result.undetermined ?? .amountFactNotGiven
      }
    case nil:
      break
    }
    if result.ruleDate > asOf {
      result.status = .pending
    } else if result.undetermined != nil {
      result.status = .undetermined
    } else if result.evidence.contains(where: { !$0.provided }) {
      result.status = .missingEvidence
    } else {
      result.status = .payable
    }
    // An undetermined amount is null, never 0.
    if result.undetermined != nil { result.amount = nil }
  }

  private func dueDate(_ rule: CompiledRule, _ ctx: EvalContext, asOf: CivilDate) -> CivilDate? {
    if let due = rule.due { return due(ctx).date }
    guard case .monthly(let days)? = rule.checked.due, !days.isEmpty else { return nil }
    // The next report day on or after as_of; "the 30th" in February is its last day.
    for monthOffset in 0..<2 {
      guard let first = CivilDate(year: asOf.year, month: asOf.month, day: 1)?.addingMonths(monthOffset) else { continue }
      let candidates = days.sorted().compactMap { CivilDate(year: first.year, month: first.month, day: min($0, first.lastDayOfMonth)) }
      if let next = candidates.first(where: { $0 >= asOf }) { return next }
    }
    return nil
  }

  /// At most one claiming result per limit slot (`LimitBook`, the settlement batch and compare share);
  /// a claim that loses is refused, naming the subject that holds the slot.
  /// `from`: the rule's results start there (the results before are other rules', left alone).
  func applyLimits(_ rule: CheckedRule, to results: inout [EvalResult], from first: Int = 0) {
    applyLimits(rule.limit, span: rule.syntax.limit.first?.span, to: &results, from: first)
  }

  /// The same, read through the compiled rule: the checked rule is not copied out (every string and
  /// array in it retained) for each rule of each case.
  func applyLimits(_ rule: CompiledRule, to results: inout [EvalResult], from first: Int = 0) {
    applyLimits(rule.checked.limit, span: rule.checked.syntax.limit.first?.span, to: &results, from: first)
  }

  private func applyLimits(_ limit: [String], span: SourceSpan?, to results: inout [EvalResult], from first: Int) {
    guard !limit.isEmpty else { return }
    var book = LimitBook<Int>()
    for i in first..<results.count where results[i].status.claimsLimit {
      if let slot = results[i].limitSlot { book.offer(i, slot: slot, order: results[i].claimOrder) }
    }
    for i in first..<results.count where results[i].status.claimsLimit {
      guard let slot = results[i].limitSlot, let holder = book.holder(of: slot), holder != i else { continue }
      results[i].refuse(limit: limit, grantedTo: results[holder].subject, span: span)
    }
  }
}

/// For each household record, the hukou codes of the people who belong to it.
struct HouseholdCodes {
  var codes: [Int: [DivisionCode]] = [:]
  /// Only rules about households need these; skip the scan otherwise. `columns`: the facts' columns
  /// with some cells changed (as "what would make it payable" tries its changes), read instead of the
  /// facts' own.
  init(facts: Facts, schema: FactSchema, needed: Bool = true, columns: [[FactColumn]]? = nil) {
    guard needed else { return }
    guard let person = schema.entity("person"), let household = person.field("household"), let hukou = person.field("hukou") else { return }
    let people = columns?[person.index] ?? facts.tables[person.index].columns
    for record in 0..<facts.tables[person.index].count {
      if case .entity(_, let h) = people[household.slot][record], case .code(let code) = people[hukou.slot][record] {
        codes[h, default: []].append(code)
      }
    }
  }
}

/// When a rule's event happens for one subject (`Program.timing`): what `evaluate` explains and dates
/// the rule by.
struct RuleTiming {
  enum Source {
    /// Stable employment: the start and end as read (the day it vests is `vest`).
    case stableEmployment(start: CivilDate?, end: CivilDate?)
    case vestsOn
    case dated
    /// Neither: the rule is judged on `as_of`.
    case none
  }

  let asOf: CivilDate
  let source: Source
  var vest: CivilDate? = nil
  var event: CivilDate? = nil
  /// Why the event date could not be read (a fact not given, a parameter not in force).
  var eventUnknown: Undetermined? = nil

  /// The date parameters and limits are judged at: the vesting or event date, else `as_of`.
  var ruleDate: CivilDate { vest ?? event ?? asOf }
  /// The date compiled expressions value parameters on: nil while the event date is not known.
  var parameterDate: CivilDate? { eventUnknown == nil ? ruleDate : nil }
}
