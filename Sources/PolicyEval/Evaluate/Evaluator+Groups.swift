import PolicyCheck
import PolicyValues

extension Program {
  /// Splits the members of a group rule by its key and evaluates each group as one subject.
  func evaluateGroups(_ rule: CompiledRule, _ policy: CompiledPolicy, _ ctx: EvalContext, asOf: CivilDate,
                      households: HouseholdCodes, renderer: ValueRenderer) -> [EvalResult] {
    let kind = rule.checked.subject
    var order: [[Value]] = []
    var groups: [[Value]: [Int]] = [:]
    ctx.kind = kind
    ctx.date = asOf
    ctx.members = []
    ctx.key = []
    for record in 0..<ctx.facts.tables[kind].count {
      ctx.record = record
      guard covers(policy.jurisdiction, rule.anchor, ctx, households) else { continue }
      if let filter = rule.groupFilter, filter(ctx) != .bool(true) { continue }
      let key = rule.groupBy.map { $0.0(ctx) }
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append(record)
    }
    var results: [EvalResult] = []
    for key in order {
      guard let members = groups[key], let first = members.first else { continue }
      ctx.members = members
      ctx.key = key
      ctx.record = first
      let subject = zip(key, rule.groupBy).map { renderer.render($0, as: $1.1) }.joined(separator: "/")
      var result = evaluate(rule, policy, ctx, subject: subject, asOf: asOf, renderer: renderer)
      if rule.checked.beneficiary == nil { result.beneficiary = result.payee ?? subject }
      results.append(result)
    }
    ctx.members = []
    ctx.key = []
    return results
  }
}
