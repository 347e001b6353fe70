import PolicyCheck
import PolicyValues

/// What a batch needs from the evaluator when a file is read in chunks.
///
/// A batch row is one dispatch with its person, household, organiser and employer. Rules about
/// dispatches are evaluated chunk by chunk; group rules accumulate across chunks; rules about
/// people, households and organisations run once at the end over the distinct records, so a
/// subject that appears in many rows is judged once.
extension Program {
  /// The entity kind a batch row holds (`dispatch`).
  public var rowKind: Int? { schema.entityIndex["dispatch"] }

  /// Results of the rules about the row kind, limits not yet applied (the batch resolves them across chunks).
  public func evaluateRowRules(_ facts: Facts, asOf: CivilDate) -> [EvalResult] {
    guard let rowKind else { return [] }
    return evaluate(facts, asOf: asOf, where: { !$0.isGroup && $0.checked.subject == rowKind }, applyLimits: false)
  }

  /// Adds a chunk's rows to the group rules' tables, keyed `policy/rule`. `position` maps a record to its
  /// place in the whole input (its line), so the first member of a group is the same however the file is cut.
  public func accumulateGroups(_ facts: Facts, asOf: CivilDate, into tables: inout [String: GroupTable], position: (Int) -> Int) {
    let ctx = EvalContext(facts: facts, date: asOf)
    let households = HouseholdCodes(facts: facts, schema: schema)
    for policy in policies {
      ctx.parameters = policy.checked.parameters
      for rule in policy.rules where rule.isGroup {
        accumulate(rule, policy, ctx, households: households, into: &tables["\(policy.checked.id)/\(rule.checked.id)", default: GroupTable()],
                   position: position)
      }
    }
  }

  /// Results of the group rules from their accumulated tables, limits applied.
  public func finishGroups(_ tables: [String: GroupTable], facts: Facts, asOf: CivilDate) -> [EvalResult] {
    let ctx = EvalContext(facts: facts, date: asOf)
    let renderer = ValueRenderer(schema: schema, facts: facts)
    var out: [EvalResult] = []
    for policy in policies {
      ctx.parameters = policy.checked.parameters
      for rule in policy.rules where rule.isGroup {
        guard let table = tables["\(policy.checked.id)/\(rule.checked.id)"] else { continue }
        var results = zip(table.ordered, table.ids).map { group, ids in
          finishGroup(rule, policy, group, ctx, asOf: asOf, renderer: renderer, ids: ids)
        }
        applyLimits(rule.checked, to: &results)
        out += results
      }
    }
    return out
  }

  /// Results of the rules about people, households, organisations…: everything but the row kind and groups.
  public func evaluateEntityRules(_ facts: Facts, asOf: CivilDate, applyLimits: Bool = true) -> [EvalResult] {
    evaluate(facts, asOf: asOf, where: { !$0.isGroup && $0.checked.subject != rowKind }, applyLimits: applyLimits)
  }

  /// Whether any rule is about something other than the row kind (so the batch must evaluate those too).
  public var hasEntityRules: Bool { policies.contains { $0.rules.contains { !$0.isGroup && $0.checked.subject != rowKind } } }
  public var hasGroupRules: Bool { policies.contains { $0.rules.contains(where: \.isGroup) } }

  /// The limit keys of a rule (`beneficiary`, `year`…), for refusing a claim with the right words.
  public func limit(policy: String, rule: String) -> [String] {
    policies.first { $0.checked.id == policy }?.rules.first { $0.checked.id == rule }?.checked.limit ?? []
  }

  /// Evaluates the rules selected by `include` over every subject of `facts`.
  func evaluate(_ facts: Facts, asOf: CivilDate, where include: (CompiledRule) -> Bool, applyLimits limits: Bool) -> [EvalResult] {
    let context = EvalContext(facts: facts, date: asOf)
    let households = HouseholdCodes(facts: facts, schema: schema)
    let renderer = ValueRenderer(schema: schema, facts: facts)
    var results: [EvalResult] = []
    for policy in policies {
      context.parameters = policy.checked.parameters
      for rule in policy.rules where include(rule) {
        var ruleResults: [EvalResult] = []
        if rule.isGroup {
          ruleResults = evaluateGroups(rule, policy, context, asOf: asOf, households: households, renderer: renderer)
        } else {
          let table = facts.tables[rule.checked.subject]
          for record in 0..<table.count {
            context.kind = rule.checked.subject
            context.record = record
            guard covers(policy.jurisdiction, rule.anchor, context, households) else { continue }
            ruleResults.append(evaluate(rule, policy, context, subject: table.ids[record], asOf: asOf, renderer: renderer))
          }
        }
        if limits { applyLimits(rule.checked, to: &ruleResults) }
        results += ruleResults
      }
    }
    return results
  }
}
