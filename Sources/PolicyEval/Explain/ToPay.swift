import PolicyCheck
import PolicyDSL
import PolicyValues

/// What would make a result payable: the fewest changes to the facts, each with the value needed, or
/// the obstacle no change of facts removes (a 户籍, a date past, a clause that states no amount).
///
/// Built from the result's own typed explanation (which conditions failed, with the values they read),
/// in the spirit of OPA's partial evaluation: each failed condition is turned into the change of the
/// fact it reads that makes it hold. A change is a value, so a caller can apply it and evaluate again.
public struct ToPay: Sendable {
  public enum Step: Sendable {
    /// Set field `field` of the `entity` record `id` to `value` (nil: any value, it must be given).
    case set(entity: String, id: String, field: String, value: Value?, type: ExprType, current: Value)
    /// Provide a document (an evidence id) on the `entity` record `id`.
    case provide(evidence: String, entity: String, id: String)
    /// Nothing to change: it becomes payable on that day.
    case wait(until: CivilDate)
    /// A group's aggregate must reach `needed` (三都: distinct workers organised in the year).
    case reach(aggregate: TypedExpr, needed: Value, current: Value)
    /// No change of facts makes it payable.
    case cannot(Obstacle)
  }

  public enum Obstacle: Sendable {
    /// A fact the law takes as it is (`fixed: true` in the schema) would have to differ.
    case fixedFact(entity: String, id: String, field: String, current: Value, type: ExprType)
    case eventBeforePolicy(event: CivilDate, from: CivilDate)
    case eventAfterPolicy(event: CivilDate, until: CivilDate)
    case deadlinePassed(last: CivilDate, date: CivilDate)
    case employmentEnded(end: CivilDate, vests: CivilDate)
    case limitTaken(holder: String)
    /// The law states no amount (or no value on the event date).
    case lawSilent(Undetermined)
    /// A condition that is not a change of one fact (a scope between two places, an aggregate).
    case notAFactChange(String)
    /// Two conditions need one fact to hold two values (one organisation as both organiser and village
    /// co-operative, of two kinds).
    case conflicting(entity: String, id: String, field: String)
  }

  public var steps: [Step]
  /// Whether the steps lead to payment (no obstacle among them).
  public var possible: Bool { !steps.contains { if case .cannot = $0 { true } else { false } } }

  /// The facts with every step made, and the day to judge on; nil when a step names no value to apply
  /// (a fact to give, a count to reach) or cannot be made.
  public func applied(to facts: Facts, schema: FactSchema, asOf: CivilDate) -> (facts: Facts, asOf: CivilDate)? {
    var changed = facts
    return apply(to: &changed, schema: schema, records: facts, asOf: asOf).map { (changed, $0) }
  }

  /// Makes every step in `cells` (the facts, or only their columns), finding each record by its id in
  /// `records`: the day to judge on, or nil as `applied` says. One way of making the changes, whether
  /// a caller wants the changed facts or "what would make it payable" judges its own answer again.
  func apply<Cells: FactCells>(to cells: inout Cells, schema: FactSchema, records facts: Facts, asOf: CivilDate) -> CivilDate? {
    var date = asOf
    for step in steps {
      switch step {
      case .set(let entity, let id, let field, let value, _, _):
        guard let value, let e = schema.entityIndex[entity], let f = schema.entities[e].slots[field] else { return nil }
        let (kind, slot) = (schema.entities[e].index, schema.entities[e].fields[f].slot)
        guard let record = facts.tables[kind].index[id] else { return nil }
        cells[kind, record, slot] = value
      case .provide(let evidence, let entity, let id):
        guard let e = schema.entityIndex[entity], let f = schema.entities[e].slots["evidence"] else { return nil }
        let (kind, slot) = (schema.entities[e].index, schema.entities[e].fields[f].slot)
        guard let record = facts.tables[kind].index[id], let i = schema.enums["evidence"]?.index(of: evidence) else { return nil }
        var items: [Value] = []
        if case .list(let current) = cells[kind, record, slot] { items = current }
        cells[kind, record, slot] = .list(items + [.enumCase(i)])
      case .wait(let until):
        date = max(date, until)
      case .cannot, .reach:
        return nil
      }
    }
    return date
  }
}

/// Cells of facts by entity kind, record and slot: the facts themselves, or their columns alone.
protocol FactCells {
  subscript(kind: Int, record: Int, slot: Int) -> Value { get set }
}

extension Facts: FactCells {
  subscript(kind: Int, record: Int, slot: Int) -> Value {
    get { tables[kind][record: record, slot: slot] }
    set { tables[kind][record: record, slot: slot] = newValue }
  }
}

extension Program {
  /// What would make result `r` (of these `facts`) payable; nil when it is payable or not a payment.
  /// For many results of one case, `toPayAnswers(facts:asOf:)` shares its work between them.
  public func toPay(_ r: EvalResult, facts: Facts, asOf: CivilDate) -> ToPay? {
    toPayAnswers(facts: facts, asOf: asOf).toPay(r)
  }

  /// "What would make it payable" for the results of one case (these `facts`, judged on `asOf`).
  public func toPayAnswers(facts: Facts, asOf: CivilDate) -> ToPayAnswers {
    ToPayAnswers(program: self, facts: facts, asOf: asOf)
  }

  /// The rule is read through its compiled form (a class, so nothing of it is copied): copying the
  /// whole typed rule (its parsed text above all, a hundred reference counts) for every result a
  /// served answer explains was a fiftieth of the answer.
  func toPay(_ r: EvalResult, _ p: Int, _ rule: CompiledRule, in answers: ToPayAnswers, verifying: Bool) -> ToPay {
    let (facts, asOf) = (answers.facts, answers.asOf)
    var steps: [ToPay.Step] = []
    let isGroup = rule.isGroup
    let kind = rule.checked.subject
    let record = isGroup ? nil : facts.tables[kind].index[r.subject]
    let parameters = policies[p].checked.parameters
    // Made on first use: many answers are documents to provide and days to wait, which read no fact.
    // It captures what it reads, not the program or the result (a capture copies each whole).
    let (schema, scopeCases, date) = (self.schema, self.scopeCases, r.ruleDate)
    lazy var fixer = record.map {
      FactFixer(schema: schema, scopeCases: scopeCases, facts: facts, columns: answers.columns, subject: kind, record: $0, parameters: parameters,
                date: date)
    }
    // The failed checks read where they are (iterating the explanation copied every check, held or not).
    for c in r.explanation.indices where !r.explanation[c].holds {
      guard let reason = r.explanation[c].reason else { continue }
      let check = r.explanation[c].check
      switch reason {
      case .condition(_, let index, let witnesses, _):
        let count = rule.checked.conditions.count
        if isGroup, index < count, let step = reach(rule.checked.conditions[index], witnesses, parameters, date: r.ruleDate) {
          steps.append(step)
          continue
        }
        guard index < count, let fixer else {
          steps.append(.cannot(.notAFactChange(check)))
          continue
        }
        // The condition as the program compiled it: compiling it again was a third of making its change.
        steps += fixer.make(rule.checked.conditions[index], hold: true, compiled: index < rule.conditionParts.count ? rule.conditionParts[index] : nil)
      case .stableEmployment(_, _, let vests, let end):
        if let end, let vests, end < vests {
          if end <= asOf {
            steps.append(.cannot(.employmentEnded(end: end, vests: vests)))
          } else if let endSlot = rule.checked.endSlot, record != nil {
            steps.append(.set(entity: schema.entities[kind].name, id: r.subject, field: schema.entities[kind].fields[endSlot].name,
                              value: .date(vests), type: .date, current: .date(end)))
          }
        }
      case .vestsOn:
        if let e = rule.checked.vestsOn { steps += fixer?.give(e) ?? [.cannot(.notAFactChange(check))] }
      case .eventDateNotGiven:
        if let e = rule.checked.eventDate?.expr { steps += fixer?.give(e) ?? [.cannot(.notAFactChange(check))] }
      case .vestsBy(let last, let date): steps.append(.cannot(.deadlinePassed(last: last, date: date)))
      case .policyFrom(let from, let event): steps.append(.cannot(.eventBeforePolicy(event: event, from: from)))
      case .policyUntil(let until, let event): steps.append(.cannot(.eventAfterPolicy(event: event, until: until)))
      case .limitTaken(_, let holder): steps.append(.cannot(.limitTaken(holder: holder)))
      case .limitPartUnknown(_, let parts):
        for part in parts {
          let e = part == "beneficiary" ? rule.checked.beneficiary : part == "payee" ? rule.checked.payee : nil
          if let e { steps += fixer?.give(e) ?? [] }
        }
      case .amountNotPositive: steps.append(.cannot(.notAFactChange(check)))
      case .overlay: break
      }
    }
    // Documents are needed whatever else is: listed for every result that lacks some.
    if record != nil {
      for e in r.evidence where !e.provided { steps.append(.provide(evidence: e.id, entity: schema.entities[kind].name, id: r.subject)) }
    }
    // A limit's beneficiary or payee that is not on record (no household) must be given.
    let limit = rule.checked.limit
    // Each read with the rule's own compiled reader (the same expression, compiled with the program).
    if r.limitSlot == nil, limit.contains(where: { $0 == "beneficiary" || $0 == "payee" }), let fixer {
      for part in ["beneficiary", "payee"] where limit.contains(part) {
        let compiled = part == "beneficiary" ? rule.beneficiary : rule.payee
        guard let compiled, compiled(fixer.context).isNull, let e = part == "beneficiary" ? rule.checked.beneficiary : rule.checked.payee,
          !steps.contains(where: { if case .set(_, _, _, nil, _, _) = $0 { true } else { false } })
        else { continue }
        steps += fixer.give(e)
      }
    }
    // An event date still to come: it cannot be paid before then, whatever else changes.
    if r.status == .pending, let from = r.eligibleFrom {
      steps.append(.wait(until: from))
    } else if r.eventDateKnown, r.ruleDate > asOf {
      steps.append(.wait(until: r.ruleDate))
    }
    // A clause that states no amount: no change of facts makes it payable.
    if let words = rule.silentAmount, !steps.contains(where: { if case .cannot(.lawSilent) = $0 { true } else { false } }) {
      steps.append(.cannot(.lawSilent(.silent(words))))
    }
    if let why = r.undetermined {
      switch why {
      case .noRow, .noValue: steps.append(.cannot(.lawSilent(why)))
      default: break
      }
    }
    let answer = ToPay(steps: Self.withoutConflicts(steps))
    guard verifying else { return answer }
    return verified(answer, r, p, rule, in: answers)
  }

  /// Two changes of one fact to different values cannot both be made: the answer names the conflict.
  static func withoutConflicts(_ steps: [ToPay.Step]) -> [ToPay.Step] {
    // Fewer than two changes cannot conflict: the steps as they are (most answers).
    var changes = 0
    for step in steps { if case .set = step { changes += 1 } }
    guard changes > 1 else { return steps }
    var out: [ToPay.Step] = []
    out.reserveCapacity(steps.count)
    // The changes so far, searched one by one: an answer has a handful (a key string per change and a
    // dictionary cost more than the search).
    var seen: [(entity: String, id: String, field: String, value: Value?)] = []
    seen.reserveCapacity(changes)
    for step in steps {
      guard case .set(let entity, let id, let field, let value, _, _) = step else {
        out.append(step)
        continue
      }
      if let earlier = seen.first(where: { $0.field == field && $0.id == id && $0.entity == entity }) {
        if earlier.value != value { out.append(.cannot(.conflicting(entity: entity, id: id, field: field))) }
        continue
      }
      seen.append((entity, id, field, value))
      out.append(step)
    }
    return out
  }

  /// `aggregate OP bound` of a group rule: the value the aggregate must reach, read from the bound
  /// (parameters on the event date) and the aggregate's value the explanation saw.
  private func reach(_ c: TypedExpr, _ witnesses: [CheckReason.Witness], _ parameters: [CheckedParameter], date: CivilDate) -> ToPay.Step? {
    guard case .binary(let op, let l, let r) = c.node, op.isComparison, case .aggregate = l.node, let current = witnesses.first?.value else { return nil }
    let ctx = EvalContext(facts: Facts(schema: schema), date: date)
    ctx.parameters = parameters
    guard case .number(let bound) = ExprCompiler(schema: schema, scopeCases: scopeCases).compile(r)(ctx) else { return nil }
    let needed = op == .greater ? bound.adding(Fixed(integer: 1) ?? .zero) ?? bound : bound
    return .reach(aggregate: l, needed: .number(needed), current: current)
  }
}
