import PolicyCheck
import PolicyDSL
import PolicyValues

/// A rule's conditions compiled to a small typed program that runs over whole columns of a
/// `FactBatch` and marks the subjects it refuses (a condition false or unknown), as DuckDB and Velox
/// evaluate filters over vectors.
///
/// It is a filter in front of the row-by-row evaluator, not a second implementation of the results:
/// a subject it refuses is refused by the row path too (the same three-valued logic, the same
/// parameter dates), and every subject it keeps is evaluated row by row as before, so results do
/// not change (a test compares both paths on generated files). What it cannot compile (groups,
/// strings, aggregates) it leaves to the row path by returning nil.
struct RuleProgram: Sendable {
  /// How a subject's event date is found, on which the rule's parameters are valued.
  enum EventDate: Sendable {
    /// `as_of` (no event date).
    case asOf
    /// `start + N months/days` of the subject; `as_of` when the start is not known.
    case stable(startSlot: Int, amount: Int, unit: DurationUnit)
    /// `vesting.on`: the date, or `as_of` when it is not known.
    case on(VExpr)
    /// `dated:`: the date, or unknown (parameters then read as undetermined).
    case dated(VExpr)
  }

  let subject: Int
  let eventDate: EventDate
  let conditions: [VExpr]
  /// The rule's amount (a number), when it has a column form: computed for the subjects kept, so the
  /// row path reads a known amount instead of walking its closures (it still does where the amount is
  /// null or undetermined, for the reason it gives).
  let amount: VExpr?

  /// Compiles a rule's conditions, or nil when some part has no column form.
  init?(_ rule: CheckedRule, schema: FactSchema, scopeCases: [Scope: Int]) {
    guard rule.group == nil else { return nil }
    let compiler = VectorCompiler(schema: schema, scopeCases: scopeCases)
    var conditions: [VExpr] = []
    for c in rule.conditions {
      guard let v = compiler.compile(c) else { return nil }
      conditions.append(v)
    }
    if let stable = rule.stableEmployment {
      guard let start = rule.startSlot, case .constant(.duration(let n, let unit)) = stable.node else { return nil }
      eventDate = .stable(startSlot: start, amount: n, unit: unit)
    } else if let on = rule.vestsOn {
      guard let v = compiler.compile(on) else { return nil }
      eventDate = .on(v)
    } else if let dated = rule.eventDate {
      guard let v = compiler.compile(dated.expr) else { return nil }
      eventDate = .dated(v)
    } else {
      eventDate = .asOf
    }
    self.subject = rule.subject
    self.conditions = conditions
    if case .expression(let e)? = rule.amount, e.type == .number { amount = compiler.compile(e) } else { amount = nil }
  }
}

extension RuleProgram {
  /// The members a group rule may take (`group.where`, valued on `as_of` as the row path does), as a
  /// filter in front of the row path's member loop: nil when the rule has no filter or the filter has
  /// no column form.
  init?(groupMembers rule: CheckedRule, schema: FactSchema, scopeCases: [Scope: Int]) {
    guard let group = rule.group, let filter = group.filter else { return nil }
    guard let condition = VectorCompiler(schema: schema, scopeCases: scopeCases).compile(filter) else { return nil }
    subject = group.of
    eventDate = .asOf
    conditions = [condition]
    amount = nil
  }
}

/// A node of the column program. Constants are already encoded (see `FactBatch.encode`).
indirect enum VExpr: Sendable {
  case constant(Int64, UInt8)
  case field([FieldStep])
  case parameter(Int)
  case table(parameter: Int, key: VExpr)
  case compare(BinaryOperator, VExpr, VExpr)
  case inSet(VExpr, Set<Int64>)
  /// `"certificate" in training.evidence`: bit `Int` of an evidence list.
  case hasBit(VExpr, Int)
  case not(VExpr)
  case and(VExpr, VExpr)
  case or(VExpr, VExpr)
  case arithmetic(BinaryOperator, VExpr, VExpr)
  case negate(VExpr)
  case shiftDate(VExpr, Int, DurationUnit)
  case minMax(isMin: Bool, [VExpr])
  case year(VExpr)
  case scope(VExpr, VExpr)
  case within(VExpr, divisor: Int64, prefix: Int64)
  case isNull(VExpr)
  case present(VExpr)
  case makeDate(Builtin, [VExpr])
  case conditional(VExpr, VExpr, VExpr)
}

/// Typed expressions → column programs. Returns nil for what columns cannot express.
struct VectorCompiler {
  let schema: FactSchema
  let scopeCases: [Scope: Int]

  func compile(_ e: TypedExpr) -> VExpr? {
    switch e.node {
    case .constant(let v):
      guard let (value, state) = FactBatch.encode(v) else { return nil }
      return .constant(value, state)
    case .field(let steps):
      return steps.isEmpty ? nil : .field(steps)
    case .parameter(let i):
      return .parameter(i)
    case .tableLookup(let p, let key):
      return compile(key).map { .table(parameter: p, key: $0) }
    case .unary(.not, let a):
      return compile(a).map(VExpr.not)
    case .unary(.negate, let a):
      return compile(a).map(VExpr.negate)
    case .binary(let op, let l, let r):
      return binary(op, l, r)
    case .call(let f, let args):
      return call(f, args)
    case .conditional(let c, let a, let b):
      guard let vc = compile(c), let va = compile(a), let vb = compile(b) else { return nil }
      return .conditional(vc, va, vb)
    case .list, .aggregate, .groupKey:
      return nil
    }
  }

  private func binary(_ op: BinaryOperator, _ l: TypedExpr, _ r: TypedExpr) -> VExpr? {
    switch op {
    case .and, .or:
      guard let a = compile(l), let b = compile(r) else { return nil }
      return op == .and ? .and(a, b) : .or(a, b)
    case .in:
      if case .list(let items) = r.node {
        var set = Set<Int64>()
        for item in items {
          guard case .constant(let v) = item.node, let (value, state) = FactBatch.encode(v), state == FactBatch.known else { return nil }
          set.insert(value)
        }
        return compile(l).map { .inSet($0, set) }
      }
      guard case .constant(.enumCase(let bit)) = l.node, bit < 63, case .list = r.type, let list = compile(r) else { return nil }
      return .hasBit(list, bit)
    case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
      // Same-type comparisons only: a code against a string (`== "4331"`) stays on the row path.
      guard comparable(l.type, r.type), let a = compile(l), let b = compile(r) else { return nil }
      // Only numbers and dates are ordered; the row path answers false for an order on anything else.
      if op != .equal, op != .notEqual, l.type != .number, l.type != .date { return nil }
      return .compare(op, a, b)
    case .plus, .minus, .times, .divide:
      if case .duration = r.type {
        guard op == .plus || op == .minus, case .constant(.duration(let n, let unit)) = r.node, let a = compile(l) else { return nil }
        return .shiftDate(a, op == .minus ? -n : n, unit)
      }
      guard l.type == .number, r.type == .number, let a = compile(l), let b = compile(r) else { return nil }
      return .arithmetic(op, a, b)
    }
  }

  private func comparable(_ a: ExprType, _ b: ExprType) -> Bool {
    if a == .string || b == .string || a == .any || b == .any { return false }
    if case .list = a { return false }
    return a == b
  }

  private func call(_ f: Builtin, _ args: [TypedExpr]) -> VExpr? {
    let compiled = args.compactMap(compile)
    switch f {
    case .within:
      guard args.count == 2, case .constant(.string(let prefix)) = args[1].node, let code = compile(args[0]),
        let number = Int64(prefix), [2, 4, 6].contains(prefix.count)
      else { return nil }
      return .within(code, divisor: [2: 10_000, 4: 100, 6: 1][prefix.count] ?? 1, prefix: number)
    default:
      break
    }
    guard compiled.count == args.count else { return nil }
    switch f {
    case .min, .max: return .minMax(isMin: f == .min, compiled)
    case .year: return .year(compiled[0])
    case .scope: return scopeCases.count == Scope.allCases.count ? .scope(compiled[0], compiled[1]) : nil
    case .isNull: return .isNull(compiled[0])
    case .present: return .present(compiled[0])
    case .startOfYear, .endOfYear, .date: return .makeDate(f, compiled)
    case .within: return nil
    }
  }
}
