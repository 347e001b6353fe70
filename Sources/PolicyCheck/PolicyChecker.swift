import PolicyDSL
import PolicySupport

/// The check stage: schema files and policy files in, a `CheckedPolicySet` out.
public enum PolicyChecker {
  public static func run(schemaFiles: [SchemaFile], policies: [PolicyFile], into d: inout DiagnosticBag) -> CheckedPolicySet {
    let schema = FactSchema.build(schemaFiles, into: &d)
    var checked: [CheckedPolicy] = []
    var seenIDs: [String: SourceSpan] = [:]
    for policy in policies {
      if let first = seenIDs[policy.id.value] {
        d.add(.error("duplicate-policy", "policy id `\(policy.id.value)` is used by two files", zh: "政策编号 `\(policy.id.value)` 被两个文件使用",
                     at: policy.id.span, notes: [.init("first used here", zh: "第一次用在这里", at: first)]))
        continue
      }
      seenIDs[policy.id.value] = policy.id.span
      if let p = check(policy, schema: schema, into: &d) { checked.append(p) }
    }
    return CheckedPolicySet(schema: schema, policies: checked)
  }

  static func check(_ policy: PolicyFile, schema: FactSchema, into d: inout DiagnosticBag) -> CheckedPolicy? {
    let errorsBefore = d.errorCount
    let parameters = policy.parameters.compactMap { ParameterChecker.check($0, schema: schema, into: &d) }
    let rejected = policy.declaredParameters.subtracting(parameters.map(\.name))
    var used = Set<Int>()
    var rules: [CheckedRule] = []
    var ruleIDs: [String: SourceSpan] = [:]
    for rule in policy.rules {
      if let first = ruleIDs[rule.id.value] {
        d.add(.error("duplicate-rule", "rule id `\(rule.id.value)` is used twice in this policy",
                     zh: "规则编号 `\(rule.id.value)` 在本政策中用了两次", at: rule.id.span,
                     notes: [.init("first used here", zh: "第一次用在这里", at: first)]))
        continue
      }
      ruleIDs[rule.id.value] = rule.id.span
      let qualifications = Dictionary(rules.filter { $0.kind == .qualification }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
      if let r = RuleChecker.check(rule, schema: schema, parameters: parameters, rejectedParameters: rejected, qualifications: qualifications,
                                   used: &used, into: &d) { rules.append(r) }
    }
    if let from = policy.effectiveFrom, let until = policy.effectiveUntil, until.value < from.value {
      d.add(.error("empty-period", "the policy ends (\(until.value)) before it starts (\(from.value))",
                   zh: "政策的截止日期（\(until.value)）早于开始日期（\(from.value)）", at: until.span))
    }
    let result = CheckedPolicy(syntax: policy, parameters: parameters, rules: rules)
    Analyzer.run(result, schema: schema, used: used, into: &d)
    return d.errorCount == errorsBefore ? result : nil
  }
}
