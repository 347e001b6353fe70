import PolicyCheck
import PolicyDSL
import PolicyValues

/// Turns typed expressions into closures. Names are already slots, so nothing is looked up by string at run time.
///
/// Three-valued logic (docs/language.md, "Null and undetermined"): a fact that is not given is
/// `null` (unknown), a value the law does not give is `undetermined`. Comparisons, `in`, `not`,
/// arithmetic and functions of an unknown are unknown; `and` is false if either side is false,
/// `or` is true if either side is true, whatever the other; otherwise undetermined wins over
/// unknown. So `x != c` and `not (x == c)` agree, and `a and b` equals `b and a`.
struct ExprCompiler {
  let schema: FactSchema
  /// Collects the aggregates of the rule being compiled, in the order their thunks index them.
  var aggregates = AggregateRegistry()
  /// Case index of each `Scope` in the schema's `scope` enum.
  let scopeCases: [Scope: Int]

  init(schema: FactSchema) {
    self.schema = schema
    var cases: [Scope: Int] = [:]
    if let e = schema.enums["scope"] {
      for scope in Scope.allCases { if let i = e.index(of: scope.rawValue) { cases[scope] = i } }
    }
    scopeCases = cases
  }

  /// A compiler for `schema` whose scope cases (`scopeCases`) are already known.
  init(schema: FactSchema, scopeCases: [Scope: Int]) {
    self.schema = schema
    self.scopeCases = scopeCases
  }

  func compile(_ e: TypedExpr) -> Thunk {
    switch e.node {
    case .constant(let v):
      return { _ in v }
    case .field(let steps):
      return Self.fieldReader(steps)
    case .parameter(let index):
      let name = e.source.text
      return { ctx in
        guard let date = ctx.date else { return .undetermined(.eventDateUnknown(name)) }
        switch ctx.version(of: index, on: date) {
        case .scalar(let v)?: return v
        default: return .undetermined(.noValue(parameter: name, on: date))
        }
      }
    case .tableLookup(let index, let keyExpr):
      let key = compile(keyExpr)
      let table = e.source.text
      let enumCases = keyExpr.type.enumName.flatMap { schema.enums[$0]?.cases } ?? []
      return { ctx in
        let k = key(ctx)
        if case .undetermined = k { return k }
        guard let date = ctx.date else { return .undetermined(.eventDateUnknown(table)) }
        let version = ctx.version(of: index, on: date)
        switch (version, k) {
        case (.enumTable(let rows)?, .enumCase(let i)) where i < rows.count:
          if let v = rows[i] { return v }
          return .undetermined(.noRow(table: table, key: i < enumCases.count ? enumCases[i] : String(i)))
        case (.stringTable(let rows)?, .string(let s)):
          if let v = rows[s] { return v }
          return .undetermined(.noRow(table: table, key: s))
        case (_, .null):
          return .null
        default:
          return .undetermined(.noValue(parameter: table, on: date))
        }
      }
    case .unary(.not, let operand):
      let f = compile(operand)
      return { ctx in
        switch f(ctx) {
        case .bool(let b): .bool(!b)
        case .undetermined(let why): .undetermined(why)
        default: .null
        }
      }
    case .unary(.negate, let operand):
      let f = compile(operand)
      return { ctx in
        guard case .number(let n) = f(ctx) else { return .null }
        return n.negated().map(Value.number) ?? .undetermined(.tooLarge(e.source.text))
      }
    case .binary(let op, let l, let r):
      return binary(op, compile(l), compile(r), e.source.text)
    case .call(let builtin, let args):
      return call(builtin, args.map(compile))
    case .conditional(let c, let a, let b):
      let (fc, fa, fb) = (compile(c), compile(a), compile(b))
      return { ctx in
        switch fc(ctx) {
        case .bool(true): fa(ctx)
        case .bool(false): fb(ctx)
        case .undetermined(let why): .undetermined(why)
        default: .null
        }
      }
    case .list(let items):
      let fs = items.map(compile)
      return { ctx in .list(fs.map { $0(ctx) }) }
    case .aggregate(let kind, let inner):
      // Aggregates are computed by a `GroupAccumulator`; the expression reads the result by index.
      let index = aggregates.register(kind, inner.map(compile))
      return { ctx in index < ctx.aggregates.count ? ctx.aggregates[index] : .null }
    case .groupKey(let i):
      return { ctx in i < ctx.key.count ? ctx.key[i] : .null }
    }
  }

  /// Follows the steps from the current record; a null reference gives null.
  static func fieldReader(_ steps: [FieldStep]) -> Thunk {
    if steps.isEmpty { return { ctx in .entity(kind: ctx.kind, index: ctx.record) } }
    return { ctx in
      var record = ctx.record
      var value = Value.null
      for (n, step) in steps.enumerated() {
        value = ctx.columns[step.entity][step.slot][record]
        if n == steps.count - 1 { break }
        guard case .entity(_, let next) = value else { return .null }
        record = next
      }
      return value
    }
  }

  private func binary(_ op: BinaryOperator, _ l: @escaping Thunk, _ r: @escaping Thunk, _ text: String) -> Thunk {
    switch op {
    case .and:
      return { ctx in
        let a = l(ctx)
        if a == .bool(false) { return a }
        let b = r(ctx)
        if b == .bool(false) { return b }
        return Self.unknownOr(a, b, otherwise: .bool(true))
      }
    case .or:
      return { ctx in
        let a = l(ctx)
        if a == .bool(true) { return a }
        let b = r(ctx)
        if b == .bool(true) { return b }
        return Self.unknownOr(a, b, otherwise: .bool(false))
      }
    case .in:
      return { ctx in
        let a = l(ctx), b = r(ctx)
        if let unknown = Self.unknown(a, b) { return unknown }
        guard case .list(let items) = b else { return .null }
        return .bool(items.contains(a))
      }
    case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
      return { ctx in
        let a = l(ctx), b = r(ctx)
        if let unknown = Self.unknown(a, b) { return unknown }
        return .bool(Self.compare(op, a, b))
      }
    case .plus, .minus, .times, .divide:
      return { ctx in
        let a = l(ctx), b = r(ctx)
        if case .undetermined = a { return a }
        if case .undetermined = b { return b }
        return Self.arithmetic(op, a, b, text)
      }
    }
  }

  /// The undetermined or unknown operand, if any: undetermined first (the law's silence is the
  /// reason to report), then null.
  static func unknown(_ a: Value, _ b: Value) -> Value? {
    if case .undetermined = a { return a }
    if case .undetermined = b { return b }
    if a.isNull || b.isNull { return .null }
    return nil
  }

  /// `and`/`or` once neither side decided it: the unknown side if any, else `otherwise`.
  static func unknownOr(_ a: Value, _ b: Value, otherwise: Value) -> Value {
    if let unknown = unknown(a, b) { return unknown }
    // A side that is not a boolean at all (never after type checking) counts as unknown.
    guard a.bool != nil, b.bool != nil else { return .null }
    return otherwise
  }

  static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Bool {
    let order: Int?
    switch (a, b) {
    case (.number(let x), .number(let y)): order = x < y ? -1 : x == y ? 0 : 1
    case (.date(let x), .date(let y)): order = x < y ? -1 : x == y ? 0 : 1
    case (.code(let x), .string(let y)), (.string(let y), .code(let x)): order = String(describing: x) == y ? 0 : nil
    default: order = a == b ? 0 : nil
    }
    switch op {
    case .equal: return order == 0
    case .notEqual: return order != 0
    case .less: return order.map { $0 < 0 } ?? false
    case .lessOrEqual: return order.map { $0 <= 0 } ?? false
    case .greater: return order.map { $0 > 0 } ?? false
    case .greaterOrEqual: return order.map { $0 >= 0 } ?? false
    default: return false
    }
  }

  static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value, _ text: String) -> Value {
    switch (a, b) {
    case (.number(let x), .number(let y)):
      let result: Fixed?
      switch op {
      case .plus: result = x.adding(y)
      case .minus: result = x.subtracting(y)
      case .times: result = x.multiplied(by: y)
      default:
        if y == .zero { return .undetermined(.divisionByZero(text)) }
        result = x.divided(by: y)
      }
      return result.map(Value.number) ?? .undetermined(.tooLarge(text))
    case (.date(let date), .duration(let n, let unit)):
      let signed = op == .minus ? -n : n
      let moved: CivilDate?
      switch unit {
      case .days: moved = date.addingDays(signed)
      case .months: moved = date.addingMonths(signed)
      case .years: moved = date.addingMonths(signed * 12)
      }
      return moved.map(Value.date) ?? .undetermined(.leavesCalendar(text))
    default:
      return .null
    }
  }

  private func call(_ builtin: Builtin, _ args: [Thunk]) -> Thunk {
    switch builtin {
    case .min, .max:
      let wantMin = builtin == .min
      return { ctx in
        var best: Value?
        for f in args {
          let v = f(ctx)
          if case .undetermined = v { return v }
          if v.isNull { return .null }
          if let current = best {
            if Self.compare(wantMin ? .less : .greater, v, current) { best = v }
          } else {
            best = v
          }
        }
        return best ?? .null
      }
    case .year:
      return { ctx in
        guard case .date(let d) = args[0](ctx) else { return .null }
        return Fixed(integer: Int64(d.year)).map(Value.number) ?? .null
      }
    case .scope:
      let cases = scopeCases
      return { ctx in
        guard case .code(let home) = args[0](ctx), case .code(let destination) = args[1](ctx),
          let index = cases[home.scope(to: destination)]
        else { return .null }
        return .enumCase(index)
      }
    case .within:
      return { ctx in
        let code = args[0](ctx)
        if case .undetermined = code { return code }
        guard case .code(let c) = code, case .string(let prefix) = args[1](ctx) else { return .null }
        return .bool(c.isWithin(prefix: prefix))
      }
    case .isNull:
      return { ctx in .bool(args[0](ctx).isNull) }
    case .present:
      return { ctx in .bool(!args[0](ctx).isNull) }
    case .startOfYear, .endOfYear, .date:
      let parts: [Int] = builtin == .startOfYear ? [1, 1] : builtin == .endOfYear ? [12, 31] : []
      return { ctx in
        var numbers: [Int] = []
        for f in args {
          let v = f(ctx)
          if case .undetermined = v { return v }
          guard case .number(let n) = v, let i = n.integerValue else { return .null }
          numbers.append(Int(i))
        }
        let ymd = numbers + parts
        guard ymd.count == 3, let d = CivilDate(year: ymd[0], month: ymd[1], day: ymd[2]) else {
          return .undetermined(.notADate(ymd.map(String.init).joined(separator: "-")))
        }
        return .date(d)
      }
    }
  }

}

extension ExprType {
  var enumName: String? { if case .enumeration(let n) = self { n } else { nil } }
}

/// The aggregates of one rule, collected while its expressions are compiled; read-only afterwards.
final class AggregateRegistry: @unchecked Sendable {
  // Unchecked: `register` runs only while one rule is compiled, on the compiling thread; the compiled
  // thunks that capture the registry only read `list` after that.
  private(set) var list: [(Aggregate, Thunk?)] = []
  func register(_ kind: Aggregate, _ inner: Thunk?) -> Int {
    list.append((kind, inner))
    return list.count - 1
  }
}
