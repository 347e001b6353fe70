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
    var facts = facts, date = asOf
    for step in steps {
      switch step {
      case .set(let entity, let id, let field, let value, _, _):
        guard let value, let e = schema.entity(entity), let slot = e.field(field)?.slot, let record = facts.tables[e.index].index[id] else { return nil }
        facts.tables[e.index][record: record, slot: slot] = value
      case .provide(let evidence, let entity, let id):
        guard let e = schema.entity(entity), let slot = e.field("evidence")?.slot, let record = facts.tables[e.index].index[id],
          let i = schema.enums["evidence"]?.index(of: evidence)
        else { return nil }
        var items: [Value] = []
        if case .list(let current) = facts.tables[e.index][record: record, slot: slot] { items = current }
        facts.tables[e.index][record: record, slot: slot] = .list(items + [.enumCase(i)])
      case .wait(let until):
        date = max(date, until)
      case .cannot, .reach:
        return nil
      }
    }
    return (facts, date)
  }
}

extension Program {
  /// What would make result `r` (of these `facts`) payable; nil when it is payable or not a payment.
  public func toPay(_ r: EvalResult, facts: Facts, asOf: CivilDate) -> ToPay? {
    guard r.kind.paysOut, r.status != .payable, r.status != .alreadyPaid, let (p, i) = location(ofRule: r.ruleIndex) else { return nil }
    return toPay(r, RuleParts(policies[p].rules[i].checked), policies[p].checked.parameters, facts: facts, asOf: asOf)
  }

  /// What an answer reads of a rule: copying the whole rule (its parsed text above all, a hundred
  /// reference counts) for every result a served answer explains was a fiftieth of the answer.
  struct RuleParts {
    let subject: Int
    let isGroup: Bool
    let conditions: [TypedExpr]
    let endSlot: Int?
    let vestsOn: TypedExpr?
    let eventDate: TypedExpr?
    let beneficiary: TypedExpr?
    let payee: TypedExpr?
    let limit: [String]
    /// The words of a clause that states no amount.
    let silent: String?

    init(_ rule: borrowing CheckedRule) {
      subject = rule.subject
      isGroup = rule.group != nil
      conditions = rule.conditions
      endSlot = rule.endSlot
      vestsOn = rule.vestsOn
      eventDate = rule.eventDate?.expr
      beneficiary = rule.beneficiary
      payee = rule.payee
      limit = rule.limit
      if case .undetermined(let words)? = rule.amount { silent = words } else { silent = nil }
    }
  }

  /// The policy and the position in it of the rule at program index `index` (rules are numbered
  /// policy by policy), found without copying a rule.
  private func location(ofRule index: Int) -> (policy: Int, rule: Int)? {
    guard index >= 0 else { return nil }
    var first = 0
    for p in policies.indices {
      let count = policies[p].rules.count
      if index < first + count { return (p, index - first) }
      first += count
    }
    return nil
  }

  private func toPay(_ r: EvalResult, _ rule: RuleParts, _ parameters: [CheckedParameter], facts: Facts, asOf: CivilDate) -> ToPay {
    var steps: [ToPay.Step] = []
    let record = rule.isGroup ? nil : facts.tables[rule.subject].index[r.subject]
    // Made on first use: many answers are documents to provide and days to wait, which read no fact.
    // It captures the subject's kind, not the rule (which a capture would copy).
    let kind = rule.subject
    lazy var fixer = record.map { FactFixer(program: self, facts: facts, subject: kind, record: $0, parameters: parameters, date: r.ruleDate) }
    for check in r.explanation where !check.holds {
      guard let reason = check.reason else { continue }
      switch reason {
      case .condition(_, let index, let witnesses, _):
        if rule.isGroup, index < rule.conditions.count, let step = reach(rule.conditions[index], witnesses, parameters, date: r.ruleDate) {
          steps.append(step)
          continue
        }
        guard index < rule.conditions.count, let fixer else {
          steps.append(.cannot(.notAFactChange(check.check)))
          continue
        }
        steps += fixer.make(rule.conditions[index], hold: true)
      case .stableEmployment(_, _, let vests, let end):
        if let end, let vests, end < vests {
          if end <= asOf {
            steps.append(.cannot(.employmentEnded(end: end, vests: vests)))
          } else if let endSlot = rule.endSlot, record != nil {
            steps.append(.set(entity: schema.entities[rule.subject].name, id: r.subject, field: schema.entities[rule.subject].fields[endSlot].name,
                              value: .date(vests), type: .date, current: .date(end)))
          }
        }
      case .vestsOn:
        if let e = rule.vestsOn { steps += fixer?.give(e) ?? [.cannot(.notAFactChange(check.check))] }
      case .eventDateNotGiven:
        if let e = rule.eventDate { steps += fixer?.give(e) ?? [.cannot(.notAFactChange(check.check))] }
      case .vestsBy(let last, let date): steps.append(.cannot(.deadlinePassed(last: last, date: date)))
      case .policyFrom(let from, let event): steps.append(.cannot(.eventBeforePolicy(event: event, from: from)))
      case .policyUntil(let until, let event): steps.append(.cannot(.eventAfterPolicy(event: event, until: until)))
      case .limitTaken(_, let holder): steps.append(.cannot(.limitTaken(holder: holder)))
      case .limitPartUnknown(_, let parts):
        for part in parts {
          let e = part == "beneficiary" ? rule.beneficiary : part == "payee" ? rule.payee : nil
          if let e { steps += fixer?.give(e) ?? [] }
        }
      case .amountNotPositive: steps.append(.cannot(.notAFactChange(check.check)))
      case .overlay: break
      }
    }
    // Documents are needed whatever else is: listed for every result that lacks some.
    if record != nil {
      for id in r.missingEvidence { steps.append(.provide(evidence: id, entity: schema.entities[rule.subject].name, id: r.subject)) }
    }
    // A limit's beneficiary or payee that is not on record (no household) must be given.
    if r.limitSlot == nil, rule.limit.contains(where: { $0 == "beneficiary" || $0 == "payee" }), let fixer {
      for (part, e) in [("beneficiary", rule.beneficiary), ("payee", rule.payee)] where rule.limit.contains(part) {
        if let e, fixer.value(e).isNull, !steps.contains(where: { if case .set(_, _, _, nil, _, _) = $0 { true } else { false } }) {
          steps += fixer.give(e)
        }
      }
    }
    // An event date still to come: it cannot be paid before then, whatever else changes.
    if r.status == .pending, let from = r.eligibleFrom {
      steps.append(.wait(until: from))
    } else if r.eventDateKnown, r.ruleDate > asOf {
      steps.append(.wait(until: r.ruleDate))
    }
    // A clause that states no amount: no change of facts makes it payable.
    if let words = rule.silent, !steps.contains(where: { if case .cannot(.lawSilent) = $0 { true } else { false } }) {
      steps.append(.cannot(.lawSilent(.silent(words))))
    }
    if let why = r.undetermined {
      switch why {
      case .noRow, .noValue: steps.append(.cannot(.lawSilent(why)))
      default: break
      }
    }
    return verified(ToPay(steps: Self.withoutConflicts(steps)), r, rule, facts: facts, asOf: asOf)
  }

  /// The answer checked by making its changes and judging again: a change that breaks another condition
  /// (one organisation as organiser and as village co-operative, of two kinds) is named as a conflict.
  private func verified(_ toPay: ToPay, _ r: EvalResult, _ rule: RuleParts, facts: Facts, asOf: CivilDate) -> ToPay {
    // Only a change of a fact's value can be named a conflict below: an answer of documents to provide
    // and days to wait comes out as it went in, so it is not judged again (most answers are such).
    guard toPay.steps.contains(where: { if case .set = $0 { true } else { false } }) else { return toPay }
    guard toPay.possible, let (changed, date) = toPay.applied(to: facts, schema: schema, asOf: asOf) else { return toPay }
    guard let failing = failingConditions(r, facts: changed, asOf: date) else { return toPay }
    // The facts the now-failing conditions read, among those the answer changes.
    var broken = Set<String>()
    for index in failing where index < rule.conditions.count {
      for path in NullableReads.reads(rule.conditions[index]) {
        if let last = path.last { broken.insert(schema.entities[last.entity].fields[last.slot].name) }
      }
    }
    var steps: [ToPay.Step] = []
    for step in toPay.steps {
      if case .set(let entity, let id, let field, _, _, _) = step, broken.contains(field) {
        steps.append(.cannot(.conflicting(entity: entity, id: id, field: field)))
      } else {
        steps.append(step)
      }
    }
    return ToPay(steps: steps)
  }

  /// The conditions (by index) that fail when result `r`'s rule is judged again on changed facts, for
  /// `r`'s subject; nil when it is judged payable there (or not judged: the subject left the area).
  ///
  /// The subject is judged alone first: a limit only ever refuses a claim (`applyLimits` makes it
  /// ineligible and adds a check that is not a condition), so judged with the rule's other subjects a
  /// result that is not payable alone fails the same conditions, and one that is payable with every
  /// condition holding has none to name whether it keeps its slot or not. Only a payable result with a
  /// failing condition (not one `evaluate` gives) needs the others, to know whether it keeps the slot.
  /// This judged every subject of a limited rule in the area each time: a twelfth of a `POST /v1/eval`.
  private func failingConditions(_ r: EvalResult, facts: Facts, asOf: CivilDate) -> [Int]? {
    func failing(_ result: EvalResult) -> [Int] {
      result.explanation.compactMap { check in
        guard !check.holds, case .condition(_, let index, _, _)? = check.reason else { return nil }
        return index
      }
    }
    guard let (p, i) = location(ofRule: r.ruleIndex) else { return nil }
    guard !policies[p].rules[i].isGroup else {
      let again = evaluate(facts, asOf: asOf, where: { $0.index == r.ruleIndex }, applyLimits: true).first { $0.subject == r.subject }
      return again.flatMap { $0.status == .payable ? nil : failing($0) }
    }
    // The policy and the rule are read where they are stored (a copy of each was most of judging again).
    func judged(withOthers: Bool) -> EvalResult? {
      policies.withUnsafeBufferPointer { policies in
        policies[p].rules.withUnsafeBufferPointer { rules in
          judgedAgain(r, policies[p], rules[i], facts: facts, asOf: asOf, withOthers: withOthers)
        }
      }
    }
    guard let alone = judged(withOthers: false) else { return nil }
    let conditions = failing(alone)
    guard alone.status == .payable else { return conditions }
    guard !conditions.isEmpty, !policies[p].rules[i].checked.limit.isEmpty, let again = judged(withOthers: true), again.status != .payable
    else { return nil }
    return conditions
  }

  /// Result `r`'s rule (not a group's) judged again on changed facts, for `r`'s subject: what
  /// `evaluate(facts, asOf:)` gives for it, without judging every other rule (a rule's results depend
  /// on no other rule's). Only the subject is explained. `withOthers` (for a rule with a limit) also
  /// judges its other subjects in the policy's area, unexplained, and applies the limit, because
  /// another's claim can take the slot (a refused subject claims nothing, so it is left out; the order
  /// of the claims, and so the holder of each slot, is the one `evaluate` sees).
  private func judgedAgain(_ r: EvalResult, _ policy: CompiledPolicy, _ rule: CompiledRule, facts: Facts, asOf: CivilDate, withOthers: Bool) -> EvalResult? {
    let kind = rule.checked.subject
    let table = facts.tables[kind]
    guard let subject = table.index[r.subject] else { return nil }
    let context = EvalContext(facts: facts, date: asOf)
    context.parameters = policy.checked.parameters
    let households = HouseholdCodes(facts: facts, schema: schema, needed: needsHouseholdCodes)
    let renderer = ValueRenderer(schema: schema, facts: facts)
    let records = withOthers && !rule.checked.limit.isEmpty ? 0..<table.count : subject..<(subject + 1)
    var results: [EvalResult] = []
    var mine: Int?
    for record in records {
      context.kind = kind
      context.record = record
      guard applies(policy, rule.anchor, context, households) else { continue }
      let explain = record == subject
      guard let result = evaluate(rule, policy, context, subject: table.ids[record], asOf: asOf, renderer: renderer, explain: explain) else { continue }
      if explain { mine = results.count }
      results.append(result)
    }
    if withOthers { applyLimits(rule.checked, to: &results) }
    return mine.map { results[$0] }
  }

  /// Two changes of one fact to different values cannot both be made: the answer names the conflict.
  static func withoutConflicts(_ steps: [ToPay.Step]) -> [ToPay.Step] {
    var out: [ToPay.Step] = []
    // The changes so far, searched one by one: an answer has a handful (a key string per change and a
    // dictionary cost more than the search).
    var seen: [(entity: String, id: String, field: String, value: Value?)] = []
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
    guard case .number(let bound) = ExprCompiler(schema: schema).compile(r)(ctx) else { return nil }
    let needed = op == .greater ? bound.adding(Fixed(integer: 1) ?? .zero) ?? bound : bound
    return .reach(aggregate: l, needed: .number(needed), current: current)
  }
}

/// Turns one failed condition into the change of the fact it reads, for one subject record.
struct FactFixer {
  /// The schema held, not the program: a computed `program.schema` copied the schema (every table of
  /// it reference counted) at each of the many reads of a change.
  let schema: FactSchema
  let facts: Facts
  let subject: Int
  let record: Int
  /// One compiler and one context for every value the fixer reads (no compiled expression writes to
  /// its context): each used to be built again per value, a tenth of "what would make it payable".
  private let compiler: ExprCompiler
  private let context: EvalContext

  init(program: Program, facts: Facts, subject: Int, record: Int, parameters: [CheckedParameter], date: CivilDate) {
    schema = program.schema
    self.facts = facts
    self.subject = subject
    self.record = record
    compiler = ExprCompiler(schema: program.schema)
    context = EvalContext(facts: facts, date: date)
    context.parameters = parameters
    context.kind = subject
    context.record = record
  }

  /// The value of `e` for the subject.
  func value(_ e: TypedExpr) -> Value {
    compiler.compile(e)(context)
  }

  /// The changes that make `e` evaluate to `hold`.
  func make(_ e: TypedExpr, hold: Bool) -> [ToPay.Step] {
    if value(e) == .bool(hold) { return [] }
    switch e.node {
    case .binary(.and, let a, let b) where hold: return make(a, hold: true) + make(b, hold: true)
    case .binary(.or, let a, let b) where !hold: return make(a, hold: false) + make(b, hold: false)
    case .binary(.or, let a, let b), .binary(.and, let a, let b):
      // One side suffices: the one whose changes are possible, else the first.
      let left = make(a, hold: hold), right = make(b, hold: hold)
      return ToPay(steps: left).possible || !ToPay(steps: right).possible ? left : right
    case .unary(.not, let inner): return make(inner, hold: !hold)
    case .field(let steps) where e.type == .bool: return set(steps, to: .bool(hold), e)
    case .call(.present, let args) where hold: return give(args[0])
    case .call(.isNull, let args) where !hold: return give(args[0])
    case .call(.present, let args), .call(.isNull, let args):
      if case .field(let steps) = args[0].node { return set(steps, to: .null, args[0]) }
    case .binary(.equal, let l, let r) where hold: return equal(l, r) ?? equal(r, l) ?? [unchangeable(e)]
    case .binary(.notEqual, let l, let r) where !hold: return equal(l, r) ?? equal(r, l) ?? [unchangeable(e)]
    case .binary(.in, let l, let r) where hold:
      if case .list(let items) = r.node, case .field(let steps) = l.node, let first = items.first, case .constant(let v) = first.node {
        return set(steps, to: v, l)
      }
      if case .constant(.enumCase(let i)) = l.node, case .field(let steps) = r.node, let names = schema.enums["evidence"]?.cases, i < names.count,
        let (kind, id) = owner(steps)
      {
        return [.provide(evidence: names[i], entity: schema.entities[kind].name, id: id)]
      }
    case .binary(let op, let l, let r) where op.isComparison && hold:
      if let steps = compare(op, l, r) { return steps }
    default:
      break
    }
    return [unchangeable(e)]
  }

  /// `field == constant`: set it.
  private func equal(_ l: TypedExpr, _ r: TypedExpr) -> [ToPay.Step]? {
    guard case .field(let steps) = l.node, case .constant(let v) = r.node else { return nil }
    return set(steps, to: v, l)
  }

  /// `field OP expression` (or the mirror): the field takes the nearest value that makes it hold.
  private func compare(_ op: BinaryOperator, _ l: TypedExpr, _ r: TypedExpr) -> [ToPay.Step]? {
    var (op, l, r) = (op, l, r)
    if case .field = r.node, !isField(l) {
      (l, r) = (r, l)
      op = [.less: .greater, .lessOrEqual: .greaterOrEqual, .greater: .less, .greaterOrEqual: .lessOrEqual][op] ?? op
    }
    guard case .field(let steps) = l.node else { return nil }
    let target = value(r)
    switch target {
    case .number(let n):
      // Past a bound by one whole unit (a person, a day, a yuan): a fen more than 0 would round an
      // amount computed from it to nothing.
      guard let unit = Fixed(integer: 1) else { return nil }
      let needed = op == .greater ? n.adding(unit) : op == .less ? n.subtracting(unit) : n
      return needed.map { set(steps, to: .number($0), l) }
    case .date(let d):
      let needed = op == .greater ? d.addingDays(1) : op == .less ? d.addingDays(-1) : d
      return needed.map { set(steps, to: .date($0), l) }
    default:
      return nil
    }
  }

  private func isField(_ e: TypedExpr) -> Bool { if case .field = e.node { true } else { false } }

  /// A field that must be given (any value): the field an expression reads, or the obstacle.
  func give(_ e: TypedExpr) -> [ToPay.Step] {
    guard case .field(let steps) = e.node else { return [unchangeable(e)] }
    return set(steps, to: nil, e)
  }

  /// The record and id a field path ends in (following references from the subject), or nil when a
  /// reference on the way is not given.
  private func owner(_ steps: [FieldStep]) -> (kind: Int, id: String)? {
    var kind = subject, rec = record
    for step in steps.dropLast() {
      guard case .entity(let k, let i) = facts.tables[step.entity][record: rec, slot: step.slot] else { return nil }
      (kind, rec) = (k, i)
    }
    return (kind, facts.tables[kind].ids[rec])
  }

  /// Set the field at the end of `steps`; when a reference on the way is missing, that reference must be
  /// given first; a `fixed` fact is the obstacle instead.
  private func set(_ steps: [FieldStep], to v: Value?, _ e: TypedExpr) -> [ToPay.Step] {
    var kind = subject, rec = record
    for step in steps.dropLast() {
      guard case .entity(let k, let i) = facts.tables[step.entity][record: rec, slot: step.slot] else {
        let f = schema.entities[step.entity].fields[step.slot]
        return [.set(entity: schema.entities[kind].name, id: facts.tables[kind].ids[rec], field: f.name, value: nil, type: e.type, current: .null)]
      }
      (kind, rec) = (k, i)
    }
    guard let last = steps.last else { return [unchangeable(e)] }
    let field = schema.entities[last.entity].fields[last.slot]
    let current = facts.tables[kind][record: rec, slot: last.slot]
    let entity = schema.entities[kind].name, id = facts.tables[kind].ids[rec]
    if field.fixed { return [.cannot(.fixedFact(entity: entity, id: id, field: field.name, current: current, type: e.type))] }
    return [.set(entity: entity, id: id, field: field.name, value: v, type: e.type, current: current)]
  }

  /// A condition that is not one fact's value: a scope between two places, an aggregate, a function.
  private func unchangeable(_ e: TypedExpr) -> ToPay.Step {
    // A function of fixed facts (the scope from 户籍 to the destination) is fixed too.
    for path in NullableReads.reads(e) {
      if let last = path.last, schema.entities[last.entity].fields[last.slot].fixed, let (kind, id) = owner(path) {
        return .cannot(.fixedFact(entity: schema.entities[kind].name, id: id, field: schema.entities[last.entity].fields[last.slot].name,
                                  current: value(TypedExpr(.field(path), e.type, e.source)), type: e.type))
      }
    }
    return .cannot(.notAFactChange(e.source.text))
  }
}
