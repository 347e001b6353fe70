import PolicyDSL
import PolicySupport
import PolicyValues

/// Resolves names and checks types of one rule's expressions against the fact schema.
struct ExprChecker {
  enum Context { case subject, groupOuter, groupMember }

  let schema: FactSchema
  let parameters: [CheckedParameter]
  let bindings: Bindings
  var context: Context
  var groupKeyTypes: [ExprType] = []
  var usedParameters: Set<Int> = []
  /// Parameters declared with errors (already reported): using one is not a second error.
  var rejectedParameters: Set<String> = []
  /// Qualification rules of the same policy checked before this one, for `meets("rule-id")`.
  var qualifications: [String: CheckedRule] = [:]

  init(schema: FactSchema, parameters: [CheckedParameter], bindings: Bindings, context: Context) {
    self.schema = schema
    self.parameters = parameters
    self.bindings = bindings
    self.context = context
  }

  /// Checks `expr` and reports when its type is not `expected`.
  mutating func check(_ expr: Expr, expecting expected: ExprType, what: String, into d: inout DiagnosticBag) -> TypedExpr? {
    guard let typed = infer(expr, hint: expected, into: &d) else { return nil }
    guard expected.accepts(typed.type) else {
      d.add(.error("type-mismatch", "\(what) must be a \(expected), but `\(expr.text)` is a \(typed.type)",
                   zh: "\(ChinesePhrase.lead(what))须为\(expected.zh)，但 `\(expr.text)` 是\(typed.type.zh)", at: expr.span))
      return nil
    }
    return typed
  }

  /// Infers the type of `expr`. `hint` resolves bare enum names (`alleviated`) and list elements.
  mutating func infer(_ expr: Expr, hint: ExprType? = nil, into d: inout DiagnosticBag) -> TypedExpr? {
    switch expr.kind {
    case .number(let n): return TypedExpr(.constant(.number(n)), .number, expr)
    case .string(let s):
      if case .enumeration(let name)? = hint { return enumValue(s, of: name, expr, into: &d) }
      return TypedExpr(.constant(.string(s)), .string, expr)
    case .bool(let b): return TypedExpr(.constant(.bool(b)), .bool, expr)
    case .null: return TypedExpr(.constant(.null), .any, expr)
    case .date(let date): return TypedExpr(.constant(.date(date)), .date, expr)
    case .duration(let n, let unit): return TypedExpr(.constant(.duration(n, unit)), .duration(unit), expr)
    case .path(let parts): return path(parts, expr, hint: hint, into: &d)
    case .list(let items):
      var elementHint: ExprType? = nil
      if case .list(let inner)? = hint { elementHint = inner }
      var typed: [TypedExpr] = []
      for item in items {
        guard let t = infer(item, hint: elementHint, into: &d) else { return nil }
        if let e = elementHint, !e.accepts(t.type) {
          d.add(.error("type-mismatch", "list items must all be \(e), but `\(item.text)` is a \(t.type)",
                           zh: "列表各项须都是\(e.zh)，但 `\(item.text)` 是\(t.type.zh)", at: item.span))
          return nil
        }
        elementHint = elementHint ?? t.type
        typed.append(t)
      }
      return TypedExpr(.list(typed), .list(elementHint ?? .any), expr)
    case .unary(.not, let operand):
      guard let t = check(operand, expecting: .bool, what: "the operand of `not`", into: &d) else { return nil }
      return TypedExpr(.unary(.not, t), .bool, expr)
    case .unary(.negate, let operand):
      guard let t = check(operand, expecting: .number, what: "the operand of `-`", into: &d) else { return nil }
      return TypedExpr(.unary(.negate, t), .number, expr)
    case .binary(let op, let l, let r): return binary(op, l, r, expr, into: &d)
    case .call(let name, let args): return call(name, args, expr, into: &d)
    case .index(let base, let key): return index(base, key, expr, into: &d)
    case .conditional(let c, let a, let b):
      guard let tc = check(c, expecting: .bool, what: "the condition of `if`", into: &d),
        let ta = infer(a, hint: hint, into: &d), let tb = infer(b, hint: ta.type, into: &d)
      else { return nil }
      guard ta.type.accepts(tb.type) else {
        d.add(.error("type-mismatch", "both branches of `if` must have one type, but `\(a.text)` is a \(ta.type) and `\(b.text)` is a \(tb.type)",
                     zh: "`if` 的两个分支须为同一类型，但 `\(a.text)` 是\(ta.type.zh)，`\(b.text)` 是\(tb.type.zh)", at: expr.span))
        return nil
      }
      return TypedExpr(.conditional(tc, ta, tb), ta.type == .any ? tb.type : ta.type, expr)
    }
  }

  // MARK: - Names

  private mutating func path(_ parts: [String], _ expr: Expr, hint: ExprType?, into d: inout DiagnosticBag) -> TypedExpr? {
    let head = parts[0]
    if head == "param" {
      guard parts.count == 2 else {
        d.add(.error("unknown-parameter", "write a parameter as `param.NAME`", zh: "参数请写成 `param.NAME`", at: expr.span))
        return nil
      }
      guard let index = parameters.firstIndex(where: { $0.name == parts[1] }) else {
        reportUnknownParameter(parts[1], at: expr.span, into: &d)
        return nil
      }
      usedParameters.insert(index)
      if parameters[index].isTable {
        d.add(.error("table-needs-key", "parameter `\(parts[1])` is a table: look a row up with `param.\(parts[1])[key]`",
                     zh: "参数 `\(parts[1])` 是表：请用 `param.\(parts[1])[key]` 查某一行", at: expr.span))
        return nil
      }
      return TypedExpr(.parameter(index), parameters[index].valueType, expr)
    }
    if let binding = bindings.names[head] {
      if context == .groupOuter {
        d.add(.error("member-outside-aggregate", "in a group rule, `\(head)` can only be read inside an aggregate such as `count_distinct(\(expr.text))`",
                     zh: "在组规则中，`\(head)` 只能在汇总函数中读取，如 `count_distinct(\(expr.text))`", at: expr.span,
                     help: "use `key(0)` for the group's key, or an aggregate", helpZh: "组的键请用 `key(0)`，否则请用汇总函数"))
        return nil
      }
      var entity = binding.entity
      var steps = binding.steps
      var type = ExprType.entity(schema.entities[entity].name)
      for (i, name) in parts.dropFirst().enumerated() {
        guard case .entity(let entityName) = type, let current = schema.entity(entityName) else {
          d.add(.error("not-an-entity", "`\(parts[0...i].joined(separator: "."))` is a \(type) and has no field `\(name)`",
                           zh: "`\(parts[0...i].joined(separator: "."))` 是\(type.zh)，没有字段 `\(name)`", at: expr.span))
          return nil
        }
        entity = current.index
        guard let field = current.field(name) else {
          d.add(.error("unknown-field", "unknown fact field `\(parts[0...(i + 1)].joined(separator: "."))`",
                       zh: "未知的事实字段 `\(parts[0...(i + 1)].joined(separator: "."))`", at: expr.span,
                       help: EditDistance.didYouMean(name, among: current.fields.map(\.name)).map { "\($0) (a field of `\(current.name)`)" },
                       helpZh: EditDistance.didYouMeanZh(name, among: current.fields.map(\.name)).map { "\($0)（`\(current.name)` 的字段）" }))
          return nil
        }
        steps.append(FieldStep(entity: entity, slot: field.slot))
        type = field.type.exprType
      }
      return TypedExpr(.field(steps), type, expr)
    }
    if parts.count == 1, let enumName = enumName(of: hint) { return enumValue(head, of: enumName, expr, into: &d) }
    if parts.count == 1, let owner = enumsContaining(head).first {
      d.add(.error("unknown-name", "`\(head)` is a value of `\(owner)`, not a fact or a name",
                   zh: "`\(head)` 是 `\(owner)` 的可选值，不是事实或名称", at: expr.span,
                   help: "compare a field with it, e.g. `FIELD == \(head)`", helpZh: "请拿字段与它比较，例如 `FIELD == \(head)`"))
      return nil
    }
    var candidates = Array(bindings.names.keys) + ["param"]
    candidates += schema.enums.values.flatMap(\.cases)
    d.add(.error("unknown-name", "unknown name `\(parts.joined(separator: "."))`", zh: "未知的名称 `\(parts.joined(separator: "."))`", at: expr.span,
                 help: EditDistance.didYouMean(head, among: candidates)
                   ?? "names here: \(bindings.names.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")), `param.NAME`",
                 helpZh: EditDistance.didYouMeanZh(head, among: candidates)
                   ?? "这里可用的名称：\(bindings.names.keys.sorted().map { "`\($0)`" }.joined(separator: "、"))、`param.NAME`"))
    return nil
  }

  private func enumName(of hint: ExprType?) -> String? {
    switch hint {
    case .enumeration(let n)?: n
    case .list(.enumeration(let n))?: n
    default: nil
    }
  }

  // MARK: - Operators

  private mutating func binary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ expr: Expr, into d: inout DiagnosticBag) -> TypedExpr? {
    switch op {
    case .and, .or:
      guard let tl = check(l, expecting: .bool, what: "each side of `\(op.rawValue)`", into: &d),
        let tr = check(r, expecting: .bool, what: "each side of `\(op.rawValue)`", into: &d)
      else { return nil }
      return TypedExpr(.binary(op, tl, tr), .bool, expr)
    case .in:
      if case .list = r.kind {
        guard let tl = infer(l, into: &d), let tr = infer(r, hint: .list(tl.type), into: &d) else { return nil }
        return TypedExpr(.binary(.in, tl, tr), .bool, expr)
      }
      guard let tr = infer(r, into: &d) else { return nil }
      guard case .list(let element) = tr.type else {
        d.add(.error("type-mismatch", "the right side of `in` must be a list, but `\(r.text)` is a \(tr.type)",
                     zh: "`in` 的右边须为列表，但 `\(r.text)` 是\(tr.type.zh)", at: r.span))
        return nil
      }
      guard let tl = check(l, expecting: element, what: "the left side of `in`", into: &d) else { return nil }
      return TypedExpr(.binary(.in, tl, tr), .bool, expr)
    case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
      let tl: TypedExpr, tr: TypedExpr
      if takesTypeFromContext(l), !takesTypeFromContext(r) {
        guard let right = infer(r, into: &d), let left = infer(l, hint: right.type, into: &d) else { return nil }
        (tl, tr) = (left, right)
      } else {
        guard let left = infer(l, into: &d), let right = infer(r, hint: left.type, into: &d) else { return nil }
        (tl, tr) = (left, right)
      }
      guard tl.type.accepts(tr.type) else {
        d.add(.error("type-mismatch", "cannot compare `\(l.text)` (a \(tl.type)) with `\(r.text)` (a \(tr.type))",
                     zh: "不能比较 `\(l.text)`（\(tl.type.zh)）和 `\(r.text)`（\(tr.type.zh)）", at: expr.span))
        return nil
      }
      if op != .equal, op != .notEqual {
        let ordered: Set<ExprType> = [.number, .date, .any]
        guard ordered.contains(tl.type) || ordered.contains(tr.type) || tl.type.isDuration else {
          d.add(.error("type-mismatch", "`\(op.rawValue)` compares numbers or dates, not a \(tl.type)",
                       zh: "`\(op.rawValue)` 比较的是数或日期，不能比较\(tl.type.zh)", at: expr.span))
          return nil
        }
      }
      return TypedExpr(.binary(op, tl, tr), .bool, expr)
    case .plus, .minus:
      guard let tl = infer(l, into: &d), let tr = infer(r, into: &d) else { return nil }
      if tl.type == .date, tr.type.isDuration { return TypedExpr(.binary(op, tl, tr), .date, expr) }
      if tl.type.accepts(.number), tr.type.accepts(.number) { return TypedExpr(.binary(op, tl, tr), .number, expr) }
      d.add(.error("type-mismatch", "`\(op.rawValue)` needs two numbers or a date and a duration, but got a \(tl.type) and a \(tr.type)",
                   zh: "`\(op.rawValue)` 需要两个数，或一个日期和一个时长，实际是\(tl.type.zh)和\(tr.type.zh)", at: expr.span))
      return nil
    case .times, .divide:
      guard let tl = check(l, expecting: .number, what: "each side of `\(op.rawValue)`", into: &d),
        let tr = check(r, expecting: .number, what: "each side of `\(op.rawValue)`", into: &d)
      else { return nil }
      if op == .divide { ConstantChecks.checkDivisor(tr, in: expr, into: &d) }
      return TypedExpr(.binary(op, tl, tr), .number, expr)
    }
  }

  private mutating func index(_ base: Expr, _ key: Expr, _ expr: Expr, into d: inout DiagnosticBag) -> TypedExpr? {
    guard case .path(let parts) = base.kind, parts.count == 2, parts[0] == "param" else {
      d.add(.error("not-a-table", "only a table parameter can be indexed: `param.NAME[key]`", zh: "只有表参数才能按键查找：`param.NAME[key]`", at: base.span))
      return nil
    }
    guard let index = parameters.firstIndex(where: { $0.name == parts[1] }) else {
      reportUnknownParameter(parts[1], at: base.span, into: &d)
      return nil
    }
    usedParameters.insert(index)
    let parameter = parameters[index]
    guard parameter.isTable else {
      d.add(.error("not-a-table", "parameter `\(parameter.name)` is not a table", zh: "参数 `\(parameter.name)` 不是表", at: base.span))
      return nil
    }
    let keyType: ExprType = parameter.tableEnum.map { .enumeration($0) } ?? .string
    guard let tk = check(key, expecting: keyType, what: "the key of `\(parameter.name)`", into: &d) else { return nil }
    return TypedExpr(.tableLookup(parameter: index, key: tk), parameter.valueType, expr)
  }

  // MARK: - Functions

  private mutating func call(_ name: String, _ args: [Expr], _ expr: Expr, into d: inout DiagnosticBag) -> TypedExpr? {
    if let aggregate = Aggregate(rawValue: name) { return self.aggregate(aggregate, args, expr, into: &d) }
    if name == "key" {
      guard context == .groupOuter, args.count == 1, case .number(let n) = args[0].kind, let i = n.integerValue.map(Int.init),
        i >= 0, i < groupKeyTypes.count
      else {
        d.add(.error("invalid-key", "`key(N)` reads part N of a group's `by` (from 0) and is only for group rules",
                     zh: "`key(N)` 读取组的 `by` 的第 N 项（从 0 起），只能用于组规则", at: expr.span))
        return nil
      }
      return TypedExpr(.groupKey(i), groupKeyTypes[i], expr)
    }
    if name == "meets" { return meets(args, expr, into: &d) }
    guard let builtin = Builtin(rawValue: name) else {
      let known = Builtin.allCases.map(\.rawValue) + Aggregate.allCases.map(\.rawValue) + ["key", "meets"]
      d.add(.error("unknown-function", "unknown function `\(name)`", zh: "未知的函数 `\(name)`", at: expr.span,
                   help: EditDistance.didYouMean(name, among: known) ?? "functions: \(known.joined(separator: ", "))",
                   helpZh: EditDistance.didYouMeanZh(name, among: known) ?? "可用的函数：\(known.map { "`\($0)`" }.joined(separator: "、"))"))
      return nil
    }
    func arity(_ n: Int) -> Bool {
      if args.count == n { return true }
      d.add(.error("wrong-arguments", "`\(name)` takes \(n) argument\(n == 1 ? "" : "s"), found \(args.count)",
                   zh: "`\(name)` 需要 \(n) 个参数，实际有 \(args.count) 个", at: expr.span))
      return false
    }
    switch builtin {
    case .min, .max:
      guard !args.isEmpty else {
        d.add(.error("wrong-arguments", "`\(name)` needs at least one argument", zh: "`\(name)` 至少需要一个参数", at: expr.span))
        return nil
      }
      var typed: [TypedExpr] = []
      for arg in args {
        guard let t = infer(arg, into: &d) else { return nil }
        guard t.type == .number || t.type == .date, typed.first.map({ $0.type == t.type }) ?? true else {
          d.add(.error("type-mismatch", "`\(name)` compares numbers or dates of one kind, but `\(arg.text)` is a \(t.type)",
                         zh: "`\(name)` 比较的是同一类的数或日期，但 `\(arg.text)` 是\(t.type.zh)", at: arg.span))
          return nil
        }
        typed.append(t)
      }
      return TypedExpr(.call(builtin, typed), typed[0].type, expr)
    case .year:
      guard arity(1), let t = check(args[0], expecting: .date, what: "the argument of `year`", into: &d) else { return nil }
      return TypedExpr(.call(.year, [t]), .number, expr)
    case .scope:
      guard arity(2), schema.enums["scope"] != nil,
        let a = check(args[0], expecting: .code, what: "the first argument of `scope` (home)", into: &d),
        let b = check(args[1], expecting: .code, what: "the second argument of `scope` (destination)", into: &d)
      else {
        if schema.enums["scope"] == nil { d.add(.error("unknown-enum", "`scope` needs an enum named `scope` in the fact schema",
                                                         zh: "`scope` 需要事实模式中有名为 `scope` 的枚举", at: expr.span)) }
        return nil
      }
      return TypedExpr(.call(.scope, [a, b]), .enumeration("scope"), expr)
    case .within:
      guard arity(2), let a = check(args[0], expecting: .code, what: "the first argument of `within`", into: &d) else { return nil }
      guard case .string(let prefix) = args[1].kind, [2, 4, 6].contains(prefix.count), prefix.allSatisfy({ $0.isASCII && $0.isNumber }) else {
        d.add(.error("invalid-prefix", "the second argument of `within` must be a quoted division-code prefix of 2, 4 or 6 digits, e.g. \"4331\"",
                     zh: "`within` 的第二个参数须为加引号的 2、4 或 6 位行政区划代码前缀，例如 \"4331\"", at: args[1].span))
        return nil
      }
      return TypedExpr(.call(.within, [a, TypedExpr(.constant(.string(prefix)), .string, args[1])]), .bool, expr)
    case .isNull, .present:
      guard arity(1), let t = infer(args[0], into: &d) else { return nil }
      return TypedExpr(.call(builtin, [t]), .bool, expr)
    case .startOfYear, .endOfYear:
      guard arity(1), let t = check(args[0], expecting: .number, what: "the argument of `\(name)` (a year)", into: &d) else { return nil }
      return TypedExpr(.call(builtin, [t]), .date, expr)
    case .date:
      guard arity(3) else { return nil }
      var typed: [TypedExpr] = []
      for (arg, part) in zip(args, ["year", "month", "day"]) {
        guard let t = check(arg, expecting: .number, what: "the \(part) of `date`", into: &d) else { return nil }
        typed.append(t)
      }
      return TypedExpr(.call(.date, typed), .date, expr)
    }
  }

  /// `meets("founding-requirements")`: every condition of a qualification rule of the same policy, about
  /// the same entity, declared before this rule. One statement of the requirement, read wherever it matters
  /// (吴江's coverage targets count only co-operatives that meet the founding requirements).
  private mutating func meets(_ args: [Expr], _ expr: Expr, into d: inout DiagnosticBag) -> TypedExpr? {
    guard args.count == 1, case .string(let id) = args[0].kind else {
      d.add(.error("wrong-arguments", "`meets` takes one quoted rule id, e.g. `meets(\"founding-requirements\")`",
                   zh: "`meets` 只接受一个加引号的规则编号，例如 `meets(\"founding-requirements\")`", at: expr.span))
      return nil
    }
    guard let rule = qualifications[id] else {
      d.add(.error("unknown-rule", "no qualification rule `\(id)` is declared before this rule in the same policy",
                   zh: "同一政策中，本规则之前没有声明资格规则 `\(id)`", at: args[0].span,
                   help: EditDistance.didYouMean(id, among: Array(qualifications.keys)),
                   helpZh: EditDistance.didYouMeanZh(id, among: Array(qualifications.keys))))
      return nil
    }
    let here = context == .groupOuter ? -1 : bindings.subject
    guard here == rule.subject, rule.group == nil else {
      d.add(.error("type-mismatch", "`\(id)` is about `\(schema.entities[rule.subject].name)`, which is not what `meets` is applied to here",
                   zh: "`\(id)` 的对象是 `\(schema.entities[rule.subject].name)`，与这里 `meets` 所用的对象不同", at: expr.span))
      return nil
    }
    guard var combined = rule.conditions.first else { return TypedExpr(.constant(.bool(true)), .bool, expr) }
    for next in rule.conditions.dropFirst() { combined = TypedExpr(.binary(.and, combined, next), .bool, expr) }
    combined.source = expr
    return combined
  }

  private mutating func aggregate(_ kind: Aggregate, _ args: [Expr], _ expr: Expr, into d: inout DiagnosticBag) -> TypedExpr? {
    guard context == .groupOuter else {
      d.add(.error("aggregate-outside-group", "`\(kind.rawValue)` is only for rules `about: group`", zh: "`\(kind.rawValue)` 只能用于 `about: group` 的规则", at: expr.span))
      return nil
    }
    if kind == .count {
      guard args.isEmpty else {
        d.add(.error("wrong-arguments", "`count()` takes no arguments; use `count_distinct(x)` to count distinct values",
                     zh: "`count()` 不带参数；统计不同的值请用 `count_distinct(x)`", at: expr.span))
        return nil
      }
      return TypedExpr(.aggregate(.count, nil), .number, expr)
    }
    guard args.count == 1 else {
      d.add(.error("wrong-arguments", "`\(kind.rawValue)` takes one argument", zh: "`\(kind.rawValue)` 只接受一个参数", at: expr.span))
      return nil
    }
    context = .groupMember
    defer { context = .groupOuter }
    let expected: ExprType? = (kind == .sum || kind == .minOf || kind == .maxOf) ? .number : nil
    guard let t = expected.map({ check(args[0], expecting: $0, what: "the argument of `\(kind.rawValue)`", into: &d) }) ?? infer(args[0], into: &d)
    else { return nil }
    return TypedExpr(.aggregate(kind, t), .number, expr)
  }
}

extension ExprType {
  var isDuration: Bool { if case .duration = self { true } else { false } }
}
