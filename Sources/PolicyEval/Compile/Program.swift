import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues

/// A condition compiled with what its explanation line shows.
struct CompiledCondition: Sendable {
  var text: String
  var span: SourceSpan
  var eval: Thunk
  /// The values the condition read (left side of a comparison, the field of a test), for "the value it saw".
  var witnesses: [(Thunk, ExprType)]
}

/// A rule compiled to closures.
///
/// A class, immutable once built: every evaluation walks the rules and hands one to each call, and as
/// a struct of some twenty closures and a typed rule each of those copies cost dozens of reference
/// counts (a batch of 1,024-row chunks copied every rule once per chunk and pass).
final class CompiledRule: Sendable {
  let checked: CheckedRule
  let conditions: [CompiledCondition]
  /// For each condition, the names of the fields it reads (the last field of each path it reads),
  /// found once: "what would make it payable" judges again only the conditions that read a field it
  /// changes. Beside `conditions` rather than in them, so evaluating copies no more per condition.
  let conditionReads: [[String]]
  /// For each condition (none for a group's rule), its `and`, `or` and `not` parts compiled in the
  /// shape "what would make it payable" walks them: compiling them again for every answer was a
  /// third of making its changes.
  let conditionParts: [ConditionParts]
  /// The words of an amount the clause does not state (`amount: undetermined`), read once.
  let silentAmount: String?
  let payee: Thunk?
  let beneficiary: Thunk?
  let amount: Thunk?
  let stable: Thunk?
  let vestsOn: Thunk?
  let vestsUntil: Thunk?
  /// The event date of a rule that does not vest (`dated:` or the schema's default).
  let eventDate: Thunk?
  let due: Thunk?
  let groupFilter: Thunk?
  let groupBy: [(Thunk, ExprType)]
  /// Reads the subject's jurisdiction code(s).
  let anchor: AnchorReader
  /// The aggregates a group rule's expressions read, computed by a `GroupAccumulator`.
  let aggregates: [(Aggregate, Thunk?)]
  var isGroup: Bool { checked.group != nil }
  /// Position among all rules of the program (policy by policy), for per-rule counters.
  let index: Int

  init(checked: CheckedRule, conditions: [CompiledCondition], conditionReads: [[String]], conditionParts: [ConditionParts], payee: Thunk?, beneficiary: Thunk?, amount: Thunk?, stable: Thunk?,
       vestsOn: Thunk?, vestsUntil: Thunk?, eventDate: Thunk?, due: Thunk?, groupFilter: Thunk?, groupBy: [(Thunk, ExprType)],
       anchor: AnchorReader, aggregates: [(Aggregate, Thunk?)], index: Int) {
    self.checked = checked
    self.conditions = conditions
    self.conditionReads = conditionReads
    self.conditionParts = conditionParts
    if case .undetermined(let words)? = checked.amount { silentAmount = words } else { silentAmount = nil }
    self.payee = payee
    self.beneficiary = beneficiary
    self.amount = amount
    self.stable = stable
    self.vestsOn = vestsOn
    self.vestsUntil = vestsUntil
    self.eventDate = eventDate
    self.due = due
    self.groupFilter = groupFilter
    self.groupBy = groupBy
    self.anchor = anchor
    self.aggregates = aggregates
    self.index = index
  }
}

struct CompiledPolicy: Sendable {
  var checked: CheckedPolicy
  var jurisdiction: Jurisdiction
  var rules: [CompiledRule]
  /// Overlays of this policy loaded beside it (`extends:` it), with their areas: where an overlay applies
  /// it supersedes this policy, so one clause is never paid twice by a base and its amendment.
  var supersededBy: [(id: String, area: Jurisdiction)] = []
}

/// A division-code prefix as integers, so "is this code in the policy's area" is one division.
struct Jurisdiction: Sendable {
  let value: Int32
  let divisor: Int32
  init(_ prefix: String) {
    let digits = max(0, min(6, prefix.count))
    value = Int32(prefix) ?? -1
    divisor = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1][digits]
  }
  func contains(_ code: DivisionCode) -> Bool { code.value / divisor == value }
}

/// The compiled policy set: built once from a `CheckedPolicySet`, evaluated many times.
public struct Program: Sendable {
  public let schema: FactSchema
  private(set) var policies: [CompiledPolicy]

  /// The cases of the schema's `evidence` enum, by index (the names of a result's checklist), looked up once.
  let evidenceCases: [String]

  /// Whether some rule places its subject through household members (so their codes must be gathered).
  let needsHouseholdCodes: Bool
  /// Case index of each `Scope` in the schema's `scope` enum (`ExprCompiler.scopeCases`), found once:
  /// "what would make it payable" compiles expressions for every result it answers.
  let scopeCases: [Scope: Int]
  /// Where each rule is, by program rule index: `rule(at:)` and `condition(rule:index:)` are asked for
  /// every result a report explains, and a search copied each policy and rule it passed.
  private let ruleAt: [(policy: Int, rule: Int)]

  /// Each rule's conditions as a column program (nil where it has no column form), by rule index: the
  /// batch refuses whole columns of subjects with them before the row-by-row evaluator sees the rest.
  let columnPrograms: [RuleProgram?]
  /// Per rule, a group rule's member filter as a column program (`RuleProgram(groupMembers:)`).
  let groupMemberPrograms: [RuleProgram?]
  /// Whether a batch uses `columnPrograms` (the row path alone is kept as the reference to compare with).
  public var usesColumnPrograms = true

  public var policyIDs: [String] { policies.map(\.checked.id) }
  public var checkedPolicies: [CheckedPolicy] { policies.map(\.checked) }

  public init(_ set: CheckedPolicySet) {
    schema = set.schema
    evidenceCases = set.schema.enums["evidence"]?.cases ?? []
    let compiler = ExprCompiler(schema: set.schema)
    // Rules are numbered policy by policy, in order (`ruleAt`).
    var next = 0
    var policies = set.policies.map { policy in
      CompiledPolicy(
        checked: policy, jurisdiction: Jurisdiction(policy.syntax.jurisdiction.value),
        rules: policy.rules.map { rule in
          defer { next += 1 }
          return Self.compile(rule, compiler: compiler, schema: set.schema, index: next)
        })
    }
    for p in policies.indices {
      guard let base = policies[p].checked.syntax.extends?.value, let b = policies.firstIndex(where: { $0.checked.id == base }) else { continue }
      policies[b].supersededBy.append((policies[p].checked.id, policies[p].jurisdiction))
    }
    var ruleAt: [(policy: Int, rule: Int)] = []
    for p in policies.indices {
      for r in policies[p].rules.indices { ruleAt.append((p, r)) }
    }
    self.ruleAt = ruleAt
    needsHouseholdCodes = policies.contains { p in
      p.rules.contains { if case .householdMembers = $0.anchor.mode { true } else { false } }
    }
    self.policies = policies
    let scopeCases = compiler.scopeCases
    self.scopeCases = scopeCases
    columnPrograms = policies.flatMap { $0.rules.map { RuleProgram($0.checked, schema: set.schema, scopeCases: scopeCases) } }
    groupMemberPrograms = policies.flatMap { $0.rules.map { RuleProgram(groupMembers: $0.checked, schema: set.schema, scopeCases: scopeCases) } }
  }

  /// Condition `index` of the rule at program index `rule`, the sub-expressions its explanation shows
  /// values of (in the order `CheckReason.condition` holds them), and the rule's parameters: what a
  /// report needs to say the condition in plain words.
  public func condition(rule: Int, index: Int) -> (condition: TypedExpr, witnesses: [TypedExpr], parameters: [CheckedParameter])? {
    guard rule >= 0, rule < ruleAt.count else { return nil }
    let (p, r) = ruleAt[rule]
    guard index < policies[p].rules[r].checked.conditions.count else { return nil }
    let c = policies[p].rules[r].checked.conditions[index]
    return (c, Self.distinct(Self.witnesses(of: c)), policies[p].checked.parameters)
  }

  /// The typed rule at program index `rule` with its policy's parameters (for plain-word reports).
  public func rule(at index: Int) -> (rule: CheckedRule, parameters: [CheckedParameter])? {
    guard index >= 0, index < ruleAt.count else { return nil }
    let (p, r) = ruleAt[index]
    return (policies[p].rules[r].checked, policies[p].checked.parameters)
  }

  /// The expression of the rule at program index `rule` that gives its event date (`vesting: false`:
  /// `dated:` or the schema's default) or its `vesting.on` date, with its policy's parameters: what a
  /// report says the date in plain words from, read without copying the rule (as `rule(at:)` does).
  public func eventDate(rule index: Int, vesting: Bool) -> (expression: TypedExpr, parameters: [CheckedParameter])? {
    guard index >= 0, index < ruleAt.count else { return nil }
    let (p, r) = ruleAt[index]
    let rule = policies[p].rules[r]
    guard let e = vesting ? rule.checked.vestsOn : rule.checked.eventDate?.expr else { return nil }
    return (e, policies[p].checked.parameters)
  }

  /// The compiled rule at program index `index` and the index of its policy in `policies`.
  func compiledRule(at index: Int) -> (policy: Int, rule: CompiledRule)? {
    guard index >= 0, index < ruleAt.count else { return nil }
    let (p, r) = ruleAt[index]
    return (p, policies[p].rules[r])
  }

  /// How many rules have a column program, of how many (for `subsidy bench`).
  public var columnProgramCoverage: (compiled: Int, rules: Int) { (columnPrograms.compactMap { $0 }.count, columnPrograms.count) }

  private static func compile(_ rule: CheckedRule, compiler shared: ExprCompiler, schema: FactSchema, index: Int) -> CompiledRule {
    var compiler = shared
    compiler.aggregates = AggregateRegistry()
    let conditions = rule.conditions.map { c in
      CompiledCondition(text: c.source.text, span: c.source.span, eval: compiler.compile(c),
                        witnesses: distinct(witnesses(of: c)).map { (compiler.compile($0), $0.type) })
    }
    var due: Thunk?
    if case .date(let e)? = rule.due { due = compiler.compile(e) }
    var amount: Thunk?
    if case .expression(let e)? = rule.amount { amount = compiler.compile(e) }
    return CompiledRule(
      checked: rule, conditions: conditions,
      conditionReads: rule.conditions.map { c in NullableReads.reads(c).compactMap { $0.last.map { schema.entities[$0.entity].fields[$0.slot].name } } },
      // With a compiler of their own: a group's aggregates must not be registered twice (and a
      // group's answers are counts to reach, not changes made this way).
      conditionParts: rule.group != nil ? [] : rule.conditions.map { ConditionParts($0, compiler: shared) },
      payee: rule.payee.map(compiler.compile), beneficiary: rule.beneficiary.map(compiler.compile),
      amount: amount, stable: rule.stableEmployment.map(compiler.compile), vestsOn: rule.vestsOn.map(compiler.compile),
      vestsUntil: rule.vestsUntil.map(compiler.compile), eventDate: rule.eventDate.map { compiler.compile($0.expr) }, due: due, groupFilter: rule.group?.filter.map(compiler.compile),
      groupBy: rule.group?.by.map { (compiler.compile($0), $0.type) } ?? [], anchor: AnchorReader(entity: rule.subject, schema: schema),
      aggregates: compiler.aggregates.list, index: index)
  }

  /// Each witness once, even when a condition reads the same field twice.
  static func distinct(_ list: [TypedExpr]) -> [TypedExpr] {
    var seen = Set<String>()
    return list.filter { seen.insert($0.source.text).inserted }
  }

  /// The sub-expressions whose values an explanation shows.
  static func witnesses(of e: TypedExpr) -> [TypedExpr] {
    switch e.node {
    case .binary(let op, let l, let r):
      if op == .and || op == .or { return witnesses(of: l) + witnesses(of: r) }
      if op.isComparison || op == .in { return isConstant(l) ? [r] : [l] }
      return [e]
    case .unary(.not, let inner): return witnesses(of: inner)
    case .field, .call, .aggregate, .parameter, .tableLookup: return [e]
    default: return []
    }
  }

  private static func isConstant(_ e: TypedExpr) -> Bool {
    if case .constant = e.node { return true }
    return false
  }
}

/// Reads the division code(s) that place a subject: `person.hukou` for a dispatch, `location` for an
/// organisation, and for a household the hukou of each of its members.
struct AnchorReader: Sendable {
  enum Mode: Sendable {
    case path([FieldStep])
    case householdMembers
    case none
  }
  var mode: Mode
  /// The compiled reader of `.path` anchors (built once, not per subject).
  var read: Thunk = { _ in .null }

  init(entity: Int, schema: FactSchema) {
    let e = schema.entities[entity]
    if e.anchor == ["members"] {
      mode = .householdMembers
      return
    }
    var steps: [FieldStep] = []
    var current = e
    for (i, name) in e.anchor.enumerated() {
      guard let field = current.field(name) else {
        mode = .none
        return
      }
      steps.append(FieldStep(entity: current.index, slot: field.slot))
      if i < e.anchor.count - 1 {
        guard case .reference(let target) = field.type, let next = schema.entity(target) else {
          mode = .none
          return
        }
        current = next
      }
    }
    mode = .path(steps)
    read = ExprCompiler.fieldReader(steps)
  }
}
