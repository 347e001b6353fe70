import PolicyCheck
import PolicyValues

extension Program {
  /// Splits the members of a group rule by its key, accumulates each group's aggregates, and
  /// evaluates each group as one subject.
  func evaluateGroups(_ rule: CompiledRule, _ policy: CompiledPolicy, _ ctx: EvalContext, asOf: CivilDate,
                      households: HouseholdCodes, renderer: ValueRenderer) -> [EvalResult] {
    var groups = GroupTable()
    accumulate(rule, policy, ctx, asOf: asOf, households: households, into: &groups, position: { $0 })
    return groups.ordered.compactMap { finishGroup(rule, policy, $0, ctx, asOf: asOf, renderer: renderer) }
  }

  /// Adds every member of `ctx.facts` in the rule's jurisdiction and filter to its group.
  /// `position` maps a record index to its place in the whole input (a batch row number).
  /// A member's filter reads parameters on `asOf`: a group's own event date is known only once it is complete.
  func accumulate(_ rule: CompiledRule, _ policy: CompiledPolicy, _ ctx: EvalContext, asOf: CivilDate, households: HouseholdCodes,
                  into groups: inout GroupTable, position: (Int) -> Int) {
    let kind = rule.checked.subject
    ctx.kind = kind
    ctx.date = asOf
    ctx.key = []
    ctx.aggregates = []
    for record in 0..<ctx.facts.tables[kind].count {
      ctx.record = record
      guard applies(policy, rule.anchor, ctx, households) else { continue }
      if let filter = rule.groupFilter, filter(ctx) != .bool(true) { continue }
      // Entities are keyed by id, not by their index in this chunk, so chunks merge.
      let key = rule.groupBy.map { ctx.facts.canonical($0.0(ctx)) }
      if groups.index[key] == nil {
        var accumulator = GroupAccumulator(aggregates: rule.aggregates, key: key, firstSeen: position(record))
        accumulator.payee = rule.payee?(ctx) ?? .null
        accumulator.beneficiary = rule.beneficiary?(ctx) ?? .null
        groups.index[key] = groups.ordered.count
        groups.ordered.append(accumulator)
        groups.ids.append(GroupTable.PartyIDs(payee: ctx.facts.id(of: accumulator.payee), beneficiary: ctx.facts.id(of: accumulator.beneficiary),
                                              payeeKind: Self.kindName(accumulator.payee, schema)))
      }
      if let i = groups.index[key] { groups.ordered[i].add(rule.aggregates, ctx) }
    }
  }

  static func kindName(_ value: Value, _ schema: FactSchema) -> String? {
    if case .entity(let kind, _) = value { return schema.entities[kind].name }
    return nil
  }

  /// Evaluates one accumulated group: conditions and amount read its key and aggregates.
  func finishGroup(_ rule: CompiledRule, _ policy: CompiledPolicy, _ group: GroupAccumulator, _ ctx: EvalContext,
                          asOf: CivilDate, renderer: ValueRenderer, ids: GroupTable.PartyIDs? = nil) -> EvalResult? {
    ctx.key = group.key
    ctx.aggregates = group.values
    let subject = zip(group.key, rule.groupBy).map { renderer.render($0, as: $1.1) }.joined(separator: "/")
    guard var result = evaluate(rule, policy, ctx, subject: subject, asOf: asOf, renderer: renderer, isGroup: true) else { return nil }
    let payee = ids?.payee ?? ctx.facts.id(of: group.payee)
    result.payee = payee
    result.payeeKind = ids?.payeeKind ?? Self.kindName(group.payee, schema)
    result.beneficiary = ids?.beneficiary ?? ctx.facts.id(of: group.beneficiary) ?? payee ?? subject
    settleLimitKey(&result, rule.checked)
    ctx.key = []
    ctx.aggregates = []
    return result
  }
}

/// Groups in the order their first member was seen, each with its accumulator.
public struct GroupTable: Sendable {
  public struct PartyIDs: Sendable {
    public var payee: String?
    public var beneficiary: String?
    public var payeeKind: String?
  }
  var index: [[Value]: Int] = [:]
  public internal(set) var ordered: [GroupAccumulator] = []
  /// Payee and beneficiary ids, read when the group was first seen (entity indices are chunk-local in a batch).
  public internal(set) var ids: [PartyIDs] = []
  public init() {}

  /// Folds another table (a later chunk's) into this one, keeping first-seen order.
  public mutating func merge(_ other: GroupTable) {
    for (i, accumulator) in other.ordered.enumerated() {
      if let mine = index[accumulator.key] {
        if accumulator.firstSeen < ordered[mine].firstSeen { ids[mine] = other.ids[i] }
        ordered[mine].merge(accumulator)
      } else {
        index[accumulator.key] = ordered.count
        ordered.append(accumulator)
        ids.append(other.ids[i])
      }
    }
  }
}
