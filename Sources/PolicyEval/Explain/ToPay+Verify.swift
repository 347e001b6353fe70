import PolicyCheck
import PolicyValues

extension Program {
  /// The answer checked by making its changes and judging again: a change that breaks another condition
  /// (one organisation as organiser and as village co-operative, of two kinds) is named as a conflict.
  ///
  /// What is named depends only on which conditions that read a changed field fail once the changes
  /// are made (a result judged payable again fails none), so only those are judged again, on the
  /// subject's record alone, in the columns (`columns`, the facts' own: read only if needed) with the
  /// changed cells: copying the facts and evaluating the whole rule with its explanation, for every
  /// answer that changes a fact, was half of "what would make it payable".
  func verified(_ toPay: ToPay, _ r: EvalResult, _ p: Int, _ rule: CompiledRule, facts: Facts, columns: @autoclosure () -> [[FactColumn]],
                asOf: CivilDate) -> ToPay {
    // Only a change of a fact's value can be named a conflict below: an answer of documents to provide
    // and days to wait comes out as it went in, so it is not judged again (most answers are such).
    var changed: [String] = []
    for step in toPay.steps { if case .set(_, _, let field, _, _, _) = step { changed.append(field) } }
    guard !changed.isEmpty, toPay.possible else { return toPay }
    guard let broken = rule.isGroup ? brokenInGroup(toPay, r, rule, facts: facts, asOf: asOf)
      : broken(toPay, r, p, rule, changed: changed, facts: facts, columns: columns(), asOf: asOf), !broken.isEmpty
    else { return toPay }
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
  private func broken(_ toPay: ToPay, _ r: EvalResult, _ p: Int, _ rule: CompiledRule, changed: [String], facts: Facts,
                      columns: @autoclosure () -> [[FactColumn]], asOf: CivilDate) -> [String]? {
    // A condition reading no changed field could only name fields the answer does not change.
    let reads = rule.conditionReads
    let judged = reads.indices.filter { i in reads[i].contains { changed.contains($0) } }
    guard !judged.isEmpty else { return nil }
    let kind = rule.checked.subject
    guard let record = facts.tables[kind].index[r.subject] else { return nil }
    var cells = FactColumns(columns: columns())
    guard let date = toPay.apply(to: &cells, schema: schema, records: facts, asOf: asOf) else { return nil }
    let ctx = EvalContext(facts: facts, columns: cells.columns, date: date)
    ctx.kind = kind
    ctx.record = record
    let households: HouseholdCodes
    if case .householdMembers = rule.anchor.mode {
      households = HouseholdCodes(facts: facts, schema: schema, columns: cells.columns)
    } else {
      households = HouseholdCodes(facts: facts, schema: schema, needed: false)
    }
    ctx.parameters = policies[p].checked.parameters
    guard applies(policies[p], rule.anchor, ctx, households) else { return nil }
    let timing = self.timing(rule, ctx, asOf: date, isGroup: false)
    ctx.date = timing.parameterDate
    var broken: [String] = []
    for i in judged where rule.conditions[i].eval(ctx) != .bool(true) { broken += reads[i] }
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
