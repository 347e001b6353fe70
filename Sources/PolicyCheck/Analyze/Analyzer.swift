import PolicyDSL
import PolicySupport

/// Semantic warnings: table gaps, unused parameters, rules that can never apply.
enum Analyzer {
  static func run(_ policy: CheckedPolicy, schema: FactSchema, used: Set<Int>, into d: inout DiagnosticBag) {
    for (index, parameter) in policy.parameters.enumerated() {
      if !used.contains(index) {
        var unused = Diagnostic(.warning, "unused-parameter", "parameter `\(parameter.name)` is not used by any rule",
                                zh: "参数 `\(parameter.name)` 没有被任何规则使用", at: parameter.syntax.name.span,
                                clause: parameter.syntax.clause)
        unused.notes = inheritedNote(parameter.syntax.name.span, policy)
        d.add(unused)
      }
      tableGaps(parameter, index: index, policy: policy, schema: schema, into: &d)
    }
    for rule in policy.rules {
      unreachable(rule, policy: policy, into: &d)
      NullableReads.check(rule, schema: schema, into: &d)
    }
  }

  /// A table keyed by an enum that lacks a row: results there will be undetermined (盈江 七（二） in_province).
  /// Rows every rule's own conditions exclude are not gaps (see `TableGuards`).
  private static func tableGaps(_ parameter: CheckedParameter, index: Int, policy: CheckedPolicy, schema: FactSchema,
                                into d: inout DiagnosticBag) {
    guard let enumName = parameter.tableEnum, let e = schema.enums[enumName] else { return }
    let reachable = TableGuards.reachableKeys(of: index, in: policy, caseCount: e.cases.count) ?? Set(e.cases.indices)
    for (position, version) in parameter.versions.enumerated() {
      guard case .enumTable(let rows)? = version.value else { continue }
      // A version replaced on or before the day the policy starts is never in force under it (an
      // overlay inherits its base's older values): its gaps are not this policy's.
      if let start = policy.syntax.effectiveFrom?.value, position + 1 < parameter.versions.count,
        parameter.versions[position + 1].from <= start
      {
        continue
      }
      let missing = e.cases.indices.filter { rows[$0] == nil && reachable.contains($0) }.map { e.cases[$0] }
      guard !missing.isEmpty else { continue }
      let span = parameter.syntax.values[position].from.span
      let list = missing.map { "`\($0)`" }.joined(separator: ", ")
      var gap = Diagnostic(.warning, "table-gap", "table `\(parameter.name)` has no row for \(list); results there will be undetermined",
                           zh: "表 `\(parameter.name)` 没有 \(list.replacingOccurrences(of: ", ", with: "、")) 这一行；这些情形的结果将无法判定",
                           at: span, help: "if the law really is silent, keep the gap; otherwise add the row",
                           helpZh: "如果政策条文确实没有规定，就保留空缺；否则请补上这一行", clause: parameter.syntax.clause)
      gap.notes = inheritedNote(span, policy)
      d.add(gap)
    }
  }

  /// For a warning about an overlay that points into its base's file: which policy it is about, at
  /// the overlay. (The base's own identical warning is kept once by `DiagnosticBag`.)
  private static func inheritedNote(_ span: SourceSpan?, _ policy: CheckedPolicy) -> [Diagnostic.Note] {
    guard let span, let base = policy.syntax.extends, span.file != policy.syntax.path else { return [] }
    return [.init("about `\(policy.id)`, which inherits this from `\(base.value)`",
                  zh: "针对 `\(policy.id)`，它从 `\(base.value)` 继承了此处", at: base.span)]
  }

  private static func unreachable(_ rule: CheckedRule, policy: CheckedPolicy, into d: inout DiagnosticBag) {
    for condition in rule.conditions {
      if case .constant(.bool(false)) = condition.node {
        d.add(Diagnostic(.warning, "unreachable-rule", "rule `\(rule.id)` can never apply: a condition is always false",
                         zh: "规则 `\(rule.id)` 永远不会适用：有一个条件总是不成立", at: condition.source.span,
                         clause: rule.syntax.clause.value))
      }
    }
    if case .constant(.date(let until))? = rule.vestsUntil?.node, let from = policy.syntax.effectiveFrom?.value, until < from {
      d.add(Diagnostic(.warning, "unreachable-rule", "rule `\(rule.id)` can never apply: it must vest by \(until), before the policy starts on \(from)",
                       zh: "规则 `\(rule.id)` 永远不会适用：它须在 \(until) 前确定，而政策 \(from) 才开始",
                       at: rule.vestsUntil?.source.span, clause: rule.syntax.clause.value))
    }
  }
}
