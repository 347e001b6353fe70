import PolicyCheck
import PolicyDSL
import PolicyValues

/// Turns one failed condition into the change of the fact it reads, for one subject record.
///
/// A class: "what would make it payable" makes one per answer and reaches it through a lazy variable,
/// and as a struct (a schema, facts, a compiler and a context) every use copied it whole.
final class FactFixer {
  /// The schema held, not the program: a computed `program.schema` copied the schema (every table of
  /// it reference counted) at each of the many reads of a change.
  let schema: FactSchema
  let facts: Facts
  let subject: Int
  let record: Int
  /// One compiler and one context for every value the fixer reads (no compiled expression writes to
  /// its context): each used to be built again per value, a tenth of "what would make it payable".
  private let compiler: ExprCompiler
  let context: EvalContext

  /// `scopeCases`: the program's (`Program.scopeCases`): finding them again was half of making a fixer.
  /// `columns`: the facts' columns (`facts.tables.map(\.columns)`, gathered once per case).
  init(schema: FactSchema, scopeCases: [Scope: Int], facts: Facts, columns: [[FactColumn]], subject: Int, record: Int, parameters: [CheckedParameter],
       date: CivilDate) {
    self.schema = schema
    self.facts = facts
    self.subject = subject
    self.record = record
    compiler = ExprCompiler(schema: schema, scopeCases: scopeCases)
    context = EvalContext(facts: facts, columns: columns, date: date)
    context.parameters = parameters
    context.kind = subject
    context.record = record
  }

  /// The value of `e` for the subject.
  func value(_ e: TypedExpr) -> Value {
    compiler.compile(e)(context)
  }

  /// The changes that make `e` evaluate to `hold`. `compiled`: `e` and its parts as the program
  /// compiled them (a rule's condition), so they are not compiled again here; each reads what
  /// `compile` of it would.
  func make(_ e: TypedExpr, hold: Bool, compiled: ConditionParts? = nil) -> [ToPay.Step] {
    if (compiled.map { $0.eval(context) } ?? value(e)) == .bool(hold) { return [] }
    // The operator's cases under one match, so its sides are bound once (not at every case tried).
    switch e.node {
    case .binary(let op, let l, let r):
      switch op {
      case .and where hold: return make(l, hold: true, compiled: compiled?.part(0)) + make(r, hold: true, compiled: compiled?.part(1))
      case .or where !hold: return make(l, hold: false, compiled: compiled?.part(0)) + make(r, hold: false, compiled: compiled?.part(1))
      case .or, .and:
        // One side suffices: the one whose changes are possible, else the first.
        let left = make(l, hold: hold, compiled: compiled?.part(0)), right = make(r, hold: hold, compiled: compiled?.part(1))
        return ToPay(steps: left).possible || !ToPay(steps: right).possible ? left : right
      case .equal where hold: return equal(l, r) ?? equal(r, l) ?? [unchangeable(e)]
      case .notEqual where !hold: return equal(l, r) ?? equal(r, l) ?? [unchangeable(e)]
      case .in where hold:
        if case .list(let items) = r.node, case .field(let steps) = l.node, let first = items.first, case .constant(let v) = first.node {
          return set(steps, to: v, l)
        }
        if case .constant(.enumCase(let i)) = l.node, case .field(let steps) = r.node, let names = schema.enums["evidence"]?.cases, i < names.count,
          let (kind, id) = owner(steps)
        {
          return [.provide(evidence: names[i], entity: schema.entities[kind].name, id: id)]
        }
      default:
        if op.isComparison && hold, let steps = compare(op, l, r) { return steps }
      }
    case .unary(.not, let inner): return make(inner, hold: !hold, compiled: compiled?.part(0))
    case .field(let steps) where e.type == .bool: return set(steps, to: .bool(hold), e)
    case .call(.present, let args) where hold: return give(args[0])
    case .call(.isNull, let args) where !hold: return give(args[0])
    case .call(.present, let args), .call(.isNull, let args):
      if case .field(let steps) = args[0].node { return set(steps, to: .null, args[0]) }
    default:
      break
    }
    return [unchangeable(e)]
  }

  /// `field == constant`: set it.
  private func equal(_ l: TypedExpr, _ r: TypedExpr) -> [ToPay.Step]? {
    guard case .field(let steps) = l.node, case .constant(let v) = r.node else { return nil }
    return set(steps, to: v, l)
  }

  /// `field OP expression` (or the mirror): the field takes the nearest value that makes it hold.
  private func compare(_ op: BinaryOperator, _ l: TypedExpr, _ r: TypedExpr) -> [ToPay.Step]? {
    var (op, l, r) = (op, l, r)
    if case .field = r.node, !isField(l) {
      (l, r) = (r, l)
      op = [.less: .greater, .lessOrEqual: .greaterOrEqual, .greater: .less, .greaterOrEqual: .lessOrEqual][op] ?? op
    }
    guard case .field(let steps) = l.node else { return nil }
    let target = value(r)
    switch target {
    case .number(let n):
      // Past a bound by one whole unit (a person, a day, a yuan): a fen more than 0 would round an
      // amount computed from it to nothing.
      guard let unit = Fixed(integer: 1) else { return nil }
      let needed = op == .greater ? n.adding(unit) : op == .less ? n.subtracting(unit) : n
      return needed.map { set(steps, to: .number($0), l) }
    case .date(let d):
      let needed = op == .greater ? d.addingDays(1) : op == .less ? d.addingDays(-1) : d
      return needed.map { set(steps, to: .date($0), l) }
    default:
      return nil
    }
  }

  private func isField(_ e: TypedExpr) -> Bool { if case .field = e.node { true } else { false } }

  /// A field that must be given (any value): the field an expression reads, or the obstacle.
  func give(_ e: TypedExpr) -> [ToPay.Step] {
    guard case .field(let steps) = e.node else { return [unchangeable(e)] }
    return set(steps, to: nil, e)
  }

  /// The record and id a field path ends in (following references from the subject), or nil when a
  /// reference on the way is not given.
  private func owner(_ steps: [FieldStep]) -> (kind: Int, id: String)? {
    var kind = subject, rec = record
    for step in steps.dropLast() {
      guard case .entity(let k, let i) = facts.tables[step.entity][record: rec, slot: step.slot] else { return nil }
      (kind, rec) = (k, i)
    }
    return (kind, facts.tables[kind].ids[rec])
  }

  /// Set the field at the end of `steps`; when a reference on the way is missing, that reference must be
  /// given first; a `fixed` fact is the obstacle instead.
  private func set(_ steps: [FieldStep], to v: Value?, _ e: TypedExpr) -> [ToPay.Step] {
    var kind = subject, rec = record
    for step in steps.dropLast() {
      guard case .entity(let k, let i) = facts.tables[step.entity][record: rec, slot: step.slot] else {
        let f = schema.entities[step.entity].fields[step.slot]
        return [.set(entity: schema.entities[kind].name, id: facts.tables[kind].ids[rec], field: f.name, value: nil, type: e.type, current: .null)]
      }
      (kind, rec) = (k, i)
    }
    guard let last = steps.last else { return [unchangeable(e)] }
    // The field's name and whether it is fixed, read in place (a copy of the field is its every label and span).
    let name = schema.entities[last.entity].fields[last.slot].name
    let current = facts.tables[kind][record: rec, slot: last.slot]
    let entity = schema.entities[kind].name, id = facts.tables[kind].ids[rec]
    if schema.entities[last.entity].fields[last.slot].fixed {
      return [.cannot(.fixedFact(entity: entity, id: id, field: name, current: current, type: e.type))]
    }
    return [.set(entity: entity, id: id, field: name, value: v, type: e.type, current: current)]
  }

  /// A condition that is not one fact's value: a scope between two places, an aggregate, a function.
  private func unchangeable(_ e: TypedExpr) -> ToPay.Step {
    // A function of fixed facts (the scope from 户籍 to the destination) is fixed too.
    for path in NullableReads.reads(e) {
      if let last = path.last, schema.entities[last.entity].fields[last.slot].fixed, let (kind, id) = owner(path) {
        return .cannot(.fixedFact(entity: schema.entities[kind].name, id: id, field: schema.entities[last.entity].fields[last.slot].name,
                                  current: value(TypedExpr(.field(path), e.type, e.source)), type: e.type))
      }
    }
    return .cannot(.notAFactChange(e.source.text))
  }
}

/// A condition compiled with its `and`, `or` and `not` parts, in the shape `FactFixer.make` walks it:
/// the parts of `a and b` and `a or b` are `a` and `b`, that of `not a` is `a`; other expressions have
/// none (the fixer reads their sides as it needs them).
final class ConditionParts: Sendable {
  let eval: Thunk
  let parts: [ConditionParts]

  init(_ e: TypedExpr, compiler shared: ExprCompiler) {
    var compiler = shared
    eval = compiler.compile(e)
    switch e.node {
    case .binary(.and, let l, let r), .binary(.or, let l, let r): parts = [ConditionParts(l, compiler: compiler), ConditionParts(r, compiler: compiler)]
    case .unary(.not, let inner): parts = [ConditionParts(inner, compiler: compiler)]
    default: parts = []
    }
  }

  func part(_ i: Int) -> ConditionParts? { i < parts.count ? parts[i] : nil }
}
