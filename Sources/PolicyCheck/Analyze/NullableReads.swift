import PolicyDSL
import PolicySupport

/// Warns where a rule's amount, event date or limit parties read a fact that may be null (not given)
/// and no condition of the rule guarantees it is given.
///
/// A field is nullable unless the schema makes it `required` or gives it a `default`; a path is
/// nullable if any step of it is (`organizer.kind` is null when there is no organiser). The engine
/// handles such a null explicitly (the result is undetermined, never paid and never sharing a limit),
/// but an officer should see where it can happen: either guard it with a condition (`present(x)`,
/// `x > 0`) so a missing fact refuses, or accept it with `may_be_null: [x]` and say why in the note.
public enum NullableReads {
  static func check(_ rule: CheckedRule, schema: FactSchema, into d: inout DiagnosticBag) {
    // A group's members pass its filter, so what the filter needs is given for the parties read from them.
    let guards = rule.conditions + [rule.group?.filter].compactMap { $0 }
    let guarded = guards.reduce(into: [[FieldStep]]()) { $0 += strict($1) }
    let accepted = Set(rule.syntax.mayBeNull.map(\.value))
    var sinks: [(TypedExpr, String)] = []
    if case .expression(let e)? = rule.amount { sinks.append((e, "the amount")) }
    if let dated = rule.eventDate, !dated.fromSchema { sinks.append((dated.expr, "the event date")) }
    if rule.limit.contains("beneficiary"), let b = rule.beneficiary { sinks.append((b, "the limit's beneficiary")) }
    if rule.limit.contains("payee"), let p = rule.payee { sinks.append((p, "the limit's payee")) }
    var reported = Set<String>()
    for (expr, role) in sinks {
      for path in reads(expr) {
        guard let text = nullablePrefix(path, schema: schema, guarded: guarded, source: expr), !accepted.contains(text),
          reported.insert("\(role)|\(text)").inserted
        else { continue }
        d.add(Diagnostic(.warning, "nullable-read", "\(role) of rule `\(rule.id)` reads `\(text)`, which may be null; such results are undetermined",
                         zh: "规则 `\(rule.id)` 的\(ChinesePhrase.zh(role))读取 `\(text)`，它可能为空；这样的结果无法判定",
                         at: expr.source.span,
                         help: "add a condition such as `present(\(text))` to refuse them instead, or write `may_be_null: [\(text)]` and say why in the note",
                         helpZh: "如要改为拒绝，请加上 `present(\(text))` 这样的条件；或写 `may_be_null: [\(text)]` 并在 note 中说明理由",
                         clause: rule.syntax.clause.value))
      }
    }
  }

  /// The shortest nullable prefix of `path` that no condition guards, as the officer writes it
  /// (`person.household`), or nil when every nullable step is guarded.
  private static func nullablePrefix(_ path: [FieldStep], schema: FactSchema, guarded: [[FieldStep]], source: TypedExpr) -> String? {
    for i in path.indices {
      let step = path[i]
      let field = schema.entities[step.entity].fields[step.slot]
      guard !field.required, field.defaultText == nil else { continue }
      let prefix = Array(path[...i])
      if guarded.contains(where: { $0.starts(with: prefix) }) { continue }
      return name(of: prefix, schema: schema)
    }
    return nil
  }

  /// `person.household` for the steps subject → person → household: the entity of the first step,
  /// then each field's name.
  private static func name(of steps: [FieldStep], schema: FactSchema) -> String {
    guard let first = steps.first else { return "" }
    return ([schema.entities[first.entity].name] + steps.map { schema.entities[$0.entity].fields[$0.slot].name }).joined(separator: ".")
  }

  /// Paths whose null makes `e` null (unknown): what `e` reads through null-propagating operations.
  public static func reads(_ e: TypedExpr) -> [[FieldStep]] {
    switch e.node {
    case .field(let steps): return steps.isEmpty ? [] : [steps]
    case .unary(_, let a): return reads(a)
    case .binary(let op, let a, let b): return op == .and || op == .or ? [] : reads(a) + reads(b)
    case .call(let f, let args): return f == .isNull || f == .present ? [] : args.flatMap(reads)
    case .tableLookup(_, let key): return reads(key)
    case .conditional(let c, let a, let b): return reads(c) + reads(a) + reads(b)
    case .constant, .parameter, .list, .aggregate, .groupKey: return []
    }
  }

  /// Paths that are surely given when condition `e` holds (is true).
  static func strict(_ e: TypedExpr) -> [[FieldStep]] {
    switch e.node {
    case .field(let steps): return steps.isEmpty ? [] : [steps]
    case .binary(.and, let a, let b): return strict(a) + strict(b)
    case .binary(.or, let a, let b):
      let right = strict(b)
      return strict(a).filter { path in right.contains(path) }
    case .binary(_, let a, let b): return reads(a) + reads(b)
    case .unary(.not, let inner):
      if case .call(.isNull, let args) = inner.node { return args.flatMap(reads) }
      if case .call(.present, _) = inner.node { return [] }
      return reads(inner)
    case .call(.present, let args): return args.flatMap(reads)
    case .call(.isNull, _): return []
    case .call(_, let args): return args.flatMap(reads)
    default: return []
    }
  }
}
