import PolicyCheck
import PolicyValues

extension Program {
  /// The answer checked by making its changes and judging again: a change that breaks another condition
  /// (one organisation as organiser and as village co-operative, of two kinds) is named as a conflict.
  ///
  /// What is named depends only on which conditions that read a changed field fail once the changes
  /// are made (a result judged payable again fails none), so only those are judged again, on the
  /// subject's record alone, in the case's scratch columns (`ToPayAnswers.scratch`) with the changed
  /// cells, which are put back after: copying the facts and evaluating the whole rule with its
  /// explanation, for every answer that changes a fact, was half of "what would make it payable".
  /// A group's result (many member records) is still judged with the whole rule on changed facts.
  func verified(_ toPay: ToPay, _ r: EvalResult, _ p: Int, _ rule: CompiledRule, in answers: ToPayAnswers) -> ToPay {
    // Only a change of a fact's value can be named a conflict below: an answer of documents to provide
    // and days to wait comes out as it went in, so it is not judged again (most answers are such).
    var changed: [String] = []
    for step in toPay.steps { if case .set(_, _, let field, _, _, _) = step { changed.append(field) } }
    guard !changed.isEmpty, toPay.possible else { return toPay }
    let broken: [String]?
    if rule.isGroup {
      broken = brokenInGroup(toPay, r, rule, facts: answers.facts, asOf: answers.asOf)
    } else {
      // The changed cells are put back whatever happens (the next answer changes the same columns).
      defer { answers.scratch.restore() }
      broken = self.broken(toPay, r, p, rule, changed: changed, in: answers)
    }
    guard let broken, !broken.isEmpty else { return toPay }
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

  /// The fields (by name) read by the conditions of result `r`'s rule (not a group's) that fail for
  /// `r`'s subject once the answer's changes are made, among the conditions that read a `changed`
  /// field; nil when the changes cannot be made or the subject is then outside the policy's area.
  ///
  /// The subject is judged alone: a limit only ever refuses a claim (`applyLimits` makes it ineligible
  /// and adds a check that is not a condition), so the conditions that fail are the same whichever
  /// other subjects claim the slot. Conditions are judged as `evaluate` judges them: in the policy's
  /// parameters, on the rule's date for the changed facts (its vesting or event date), every one
  /// (an explained result judges all).
  private func broken(_ toPay: ToPay, _ r: EvalResult, _ p: Int, _ rule: CompiledRule, changed: [String], in answers: ToPayAnswers) -> [String]? {
    // A condition reading no changed field could only name fields the answer does not change.
    let reads = rule.conditionReads
    let judged = reads.indices.filter { i in reads[i].contains { changed.contains($0) } }
    guard !judged.isEmpty else { return nil }
    let facts = answers.facts
    guard let record = facts.tables[rule.checked.subject].index[r.subject],
      let date = toPay.apply(to: &answers.scratch, schema: schema, records: facts, asOf: answers.asOf)
    else { return nil }
    return failing(judged, of: rule, p, record: record, columns: answers.scratch.columns, facts: facts, asOf: date)
  }

  /// The fields read by those of conditions `judged` of `rule` that fail for the subject at `record`
  /// in `columns`, judged on `asOf` as `evaluate` judges them; nil when the policy does not judge the
  /// subject there. Its context holds `columns` only until it returns, so the cells changed in them
  /// are then put back with no copy.
  @inline(never)
  private func failing(_ judged: [Int], of rule: CompiledRule, _ p: Int, record: Int, columns: [[FactColumn]], facts: Facts, asOf: CivilDate) -> [String]? {
    let ctx = EvalContext(facts: facts, columns: columns, date: asOf)
    ctx.kind = rule.checked.subject
    ctx.record = record
    let households: HouseholdCodes
    if case .householdMembers = rule.anchor.mode {
      households = HouseholdCodes(facts: facts, schema: schema, columns: columns)
    } else {
      households = HouseholdCodes(facts: facts, schema: schema, needed: false)
    }
    ctx.parameters = policies[p].checked.parameters
    guard applies(policies[p], rule.anchor, ctx, households) else { return nil }
    let timing = self.timing(rule, ctx, asOf: asOf, isGroup: false)
    ctx.date = timing.parameterDate
    var broken: [String] = []
    for i in judged where rule.conditions[i].eval(ctx) != .bool(true) { broken += rule.conditionReads[i] }
    return broken
  }

  /// For a group's result: the fields read by its conditions that fail once the changes are made,
  /// judged with the whole rule again (a group's members are many records); nil when it is then
  /// payable, or not judged (the changes cannot be made, the subject left the area).
  private func brokenInGroup(_ toPay: ToPay, _ r: EvalResult, _ rule: CompiledRule, facts: Facts, asOf: CivilDate) -> [String]? {
    guard let (changed, date) = toPay.applied(to: facts, schema: schema, asOf: asOf) else { return nil }
    let again = evaluate(changed, asOf: date, where: { $0.index == r.ruleIndex }, applyLimits: true).first { $0.subject == r.subject }
    guard let again, again.status != .payable else { return nil }
    var broken: [String] = []
    for check in again.explanation where !check.holds {
      guard case .condition(_, let index, _, _)? = check.reason, index < rule.conditionReads.count else { continue }
      broken += rule.conditionReads[index]
    }
    return broken
  }
}

/// "What would make it payable" for the results of one case (`Program.toPayAnswers(facts:asOf:)`):
/// what every answer reads, gathered once, and the columns answers are judged again in, copied once.
/// Not for sharing between threads (one per document).
public final class ToPayAnswers {
  let program: Program
  let facts: Facts
  let asOf: CivilDate
  /// The facts' columns, as every answer's fixer reads them (gathered once, not per answer).
  let columns: [[FactColumn]]
  /// Where answers are judged again (`Program.verified`): the facts' columns, copied at the first
  /// change and each change put back after its judgement, so a later answer's changes copy nothing.
  /// Copying a table's columns and the changed column for every answer was most of judging again.
  var scratch: ScratchColumns

  init(program: Program, facts: Facts, asOf: CivilDate) {
    self.program = program
    self.facts = facts
    self.asOf = asOf
    columns = facts.tables.map(\.columns)
    scratch = ScratchColumns(columns: columns)
  }

  /// What would make result `r` (of these facts) payable; nil when it is payable or not a payment.
  public func toPay(_ r: EvalResult) -> ToPay? { toPay(r, verifying: true) }

  /// `verifying: false`: the answer as made, not checked by judging again (`Program.verified`), for
  /// tests that check it another way.
  func toPay(_ r: EvalResult, verifying: Bool) -> ToPay? {
    guard r.kind.paysOut, r.status != .payable, r.status != .alreadyPaid, let (p, rule) = program.compiledRule(at: r.ruleIndex) else { return nil }
    return program.toPay(r, p, rule, in: self, verifying: verifying)
  }
}

/// Columns of facts whose changed cells can be put back (`restore()`): each change remembers the value
/// it replaced.
struct ScratchColumns: FactCells {
  private(set) var columns: [[FactColumn]]
  private var replaced: [(kind: Int, record: Int, slot: Int, value: Value)] = []

  init(columns: [[FactColumn]]) { self.columns = columns }

  subscript(kind: Int, record: Int, slot: Int) -> Value {
    get { columns[kind][slot][record] }
    set {
      replaced.append((kind, record, slot, columns[kind][slot][record]))
      columns[kind][slot][record] = newValue
    }
  }

  /// Every changed cell back to its value before the first change, latest change first.
  mutating func restore() {
    while let (kind, record, slot, value) = replaced.popLast() { columns[kind][slot][record] = value }
  }
}
