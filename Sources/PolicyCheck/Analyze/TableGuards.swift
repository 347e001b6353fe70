import PolicyDSL

/// Which rows of a table parameter can actually be looked up, given the conditions of the rules
/// that look it up. A row the law leaves out *and* every rule excludes by its own conditions
/// (湘西 第二十条: no 县内 row, and the rule requires `scope(...) != in_county`) is not a gap.
enum TableGuards {
  /// Enum case indices of `parameter` that some rule may look up; nil when no rule looks it up.
  static func reachableKeys(of parameter: Int, in policy: CheckedPolicy, caseCount: Int) -> Set<Int>? {
    var reachable: Set<Int>?
    for rule in policy.rules {
      var lookups: [TypedExpr] = []
      let roots = rule.conditions + [rule.amount.flatMap { if case .expression(let e) = $0 { e } else { nil } }].compactMap { $0 }
      for root in roots { collectLookups(of: parameter, in: root, into: &lookups) }
      for key in lookups {
        var allowed = Set(0..<caseCount)
        for condition in rule.conditions { restrict(&allowed, key: key.source.text, by: condition) }
        reachable = (reachable ?? []).union(allowed)
      }
    }
    return reachable
  }

  private static func collectLookups(of parameter: Int, in e: TypedExpr, into out: inout [TypedExpr]) {
    switch e.node {
    case .tableLookup(let p, let key):
      if p == parameter { out.append(key) }
      collectLookups(of: parameter, in: key, into: &out)
    case .unary(_, let a): collectLookups(of: parameter, in: a, into: &out)
    case .binary(_, let a, let b):
      collectLookups(of: parameter, in: a, into: &out)
      collectLookups(of: parameter, in: b, into: &out)
    case .call(_, let args), .list(let args): for a in args { collectLookups(of: parameter, in: a, into: &out) }
    case .conditional(let c, let a, let b): for x in [c, a, b] { collectLookups(of: parameter, in: x, into: &out) }
    case .aggregate(_, let inner?): collectLookups(of: parameter, in: inner, into: &out)
    default: break
    }
  }

  /// Narrows `allowed` by a top-level condition on the same key expression: `k != c`, `k == c`,
  /// `k in [..]`, `not (k in [..])`.
  private static func restrict(_ allowed: inout Set<Int>, key: String, by condition: TypedExpr) {
    switch condition.node {
    case .binary(.notEqual, let l, let r) where l.source.text == key:
      if case .constant(.enumCase(let c)) = r.node { allowed.remove(c) }
    case .binary(.equal, let l, let r) where l.source.text == key:
      if case .constant(.enumCase(let c)) = r.node { allowed.formIntersection([c]) }
    case .binary(.in, let l, let r) where l.source.text == key:
      if case .list(let items) = r.node { allowed.formIntersection(cases(items)) }
    case .unary(.not, let inner):
      if case .binary(.in, let l, let r) = inner.node, l.source.text == key, case .list(let items) = r.node {
        allowed.subtract(cases(items))
      }
    case .binary(.and, let a, let b):
      restrict(&allowed, key: key, by: a)
      restrict(&allowed, key: key, by: b)
    default:
      break
    }
  }

  private static func cases(_ items: [TypedExpr]) -> Set<Int> {
    Set(items.compactMap { if case .constant(.enumCase(let c)) = $0.node { c } else { nil } })
  }
}
