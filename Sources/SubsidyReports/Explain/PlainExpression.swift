import PolicyCheck
import PolicyDSL
import PolicyValues

/// Renders a typed expression in plain words using the schema's labels:
/// `person.poverty_status == registered_poor` → 劳动者贫困状态为建档立卡贫困劳动力.
struct PlainExpression {
  let schema: FactSchema
  let parameters: [CheckedParameter]
  let language: TextReport.Language
  /// The date whose parameter values are shown.
  let date: CivilDate
  /// A group rule's `by` expressions, so `key(1)` reads as what it is (收入年度), not as a position.
  var groupBy: [TypedExpr] = []

  private func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }
  private func pick(_ label: Label?, _ fallback: String) -> String {
    guard let label else { return fallback }
    return language == .zh ? label.zh : label.en
  }

  func render(_ e: TypedExpr) -> String {
    switch e.node {
    case .constant(let v): return constant(v, e.type)
    case .field(let steps):
      if steps.isEmpty { return pick(schema.entities.first { .entity($0.name) == e.type }?.label, e.source.text) }
      return steps.map { step in pick(schema.entities[step.entity].fields[step.slot].label, schema.entities[step.entity].fields[step.slot].name) }
        .joined(separator: language == .zh ? "" : " ")
    case .parameter(let i): return parameterValue(i)
    case .tableLookup(let i, let key):
      guard case .enumTable(let rows)? = parameters[i].version(on: date), let name = parameters[i].tableEnum, let e = schema.enums[name] else {
        return "\(parameters[i].name)[\(render(key))]"
      }
      let cells = rows.enumerated().compactMap { index, value in
        value.map { "\(pick(e.labels[index], e.cases[index]))\(t("", " "))\(constant($0, parameters[i].valueType))" }
      }
      return cells.joined(separator: "/") + t("（按\(render(key))）", " (by \(render(key)))")
    case .unary(.not, let inner): return t("非（\(render(inner))）", "not (\(render(inner)))")
    case .unary(.negate, let inner): return "-\(render(inner))"
    case .binary(let op, let l, let r): return binary(op, l, r)
    case .call(let f, let args):
      switch f {
      case .scope: return t("输出范围", "destination scope")
      case .within: return t("\(render(args[0]))在\(render(args[1]))辖区内", "\(render(args[0])) within \(render(args[1]))")
      case .isNull: return t("\(render(args[0]))未填", "\(render(args[0])) not given")
      case .present: return t("已填\(render(args[0]))", "\(render(args[0])) given")
      case .min: return t("取较小者（", "the lesser of (") + args.map(render).joined(separator: t("，", ", ")) + t("）", ")")
      case .max: return t("取较大者（", "the greater of (") + args.map(render).joined(separator: t("，", ", ")) + t("）", ")")
      case .year: return t("\(render(args[0]))所在年度", "year of \(render(args[0]))")
      case .startOfYear: return t("\(render(args[0]))年1月1日", "1 January of \(render(args[0]))")
      case .endOfYear: return t("\(render(args[0]))年12月31日", "31 December of \(render(args[0]))")
      case .date: return t("\(render(args[0]))年\(render(args[1]))月\(render(args[2]))日", "\(render(args[0]))-\(render(args[1]))-\(render(args[2]))")
      }
    case .conditional(let c, let a, let b): return t("若\(render(c))则\(render(a))，否则\(render(b))", "if \(render(c)) then \(render(a)) else \(render(b))")
    case .list(let items): return items.map(render).joined(separator: t("、", ", "))
    case .aggregate(let kind, let inner):
      let x = inner.map(render) ?? ""
      switch kind {
      case .count: return t("人次数", "count")
      case .countDistinct: return t("不同\(x)数", "distinct \(x)")
      case .sum: return t("\(x)合计", "total \(x)")
      case .minOf: return t("最小\(x)", "least \(x)")
      case .maxOf: return t("最大\(x)", "greatest \(x)")
      }
    case .groupKey(let i): return i < groupBy.count ? render(groupBy[i]) : t("分组键\(i)", "key \(i)")
    }
  }

  private func binary(_ op: BinaryOperator, _ l: TypedExpr, _ r: TypedExpr) -> String {
    switch op {
    case .and: return "\(render(l))\(t("，且", ", and "))\(render(r))"
    case .or: return "\(render(l))\(t("，或", ", or "))\(render(r))"
    case .equal:
      if case .constant(.bool(true)) = r.node { return render(l) }
      return t("\(render(l))为\(render(r))", "\(render(l)) is \(render(r))")
    case .notEqual: return t("\(render(l))不为\(render(r))", "\(render(l)) is not \(render(r))")
    case .in:
      if case .list(let items) = r.node { return t("\(render(l))为", "\(render(l)) is ") + items.map(render).joined(separator: t("或", " or ")) }
      return t("\(render(r))含\(render(l))", "\(render(r)) includes \(render(l))")
    case .less, .lessOrEqual, .greater, .greaterOrEqual:
      let symbol = [BinaryOperator.less: "<", .lessOrEqual: "≥", .greater: ">", .greaterOrEqual: "≥"][op] ?? op.rawValue
      return "\(render(l)) \(op == .lessOrEqual ? "≤" : symbol) \(render(r))"
    case .plus, .minus, .times, .divide:
      let symbol = [BinaryOperator.plus: "+", .minus: "-", .times: "×", .divide: "÷"][op] ?? op.rawValue
      return "\(render(l)) \(symbol) \(render(r))"
    }
  }

  private func constant(_ v: Value, _ type: ExprType) -> String {
    switch (v, type) {
    case (.enumCase(let i), .enumeration(let name)):
      guard let e = schema.enums[name], i < e.cases.count else { return "#\(i)" }
      return pick(e.labels[i], e.cases[i])
    case (.bool(let b), _): return b ? t("是", "yes") : t("否", "no")
    case (.number(let n), _): return n.description
    case (.duration(let n, let unit), _):
      switch unit {
      case .months: return t("\(n)个月", "\(n) months")
      case .days: return t("\(n)天", "\(n) days")
      case .years: return t("\(n)年", "\(n) years")
      }
    case (.string(let s), _): return s
    case (.date(let d), _): return d.description
    default: return "\(v)"
    }
  }

  func parameterValue(_ i: Int) -> String {
    let p = parameters[i]
    let unit = p.syntax.unit.map { language == .zh ? $0 : " \($0)" } ?? ""
    switch p.version(on: date) {
    case .scalar(let v)?: return constant(v, p.valueType) + unit
    default: return t("\(p.name)（\(date)无值）", "\(p.name) (no value on \(date))")
    }
  }
}
