import PolicyCheck
import PolicyValues

extension Program {
  /// Splits the members of a group rule by its key, accumulates each group's aggregates, and
  /// evaluates each group as one subject.
  func evaluateGroups(_ rule: CompiledRule, _ policy: CompiledPolicy, _ ctx: EvalContext, asOf: CivilDate,
                      households: HouseholdCodes, renderer: ValueRenderer) -> [EvalResult] {
    var groups = GroupTable()
    accumulate(rule, policy, ctx, asOf: asOf, households: households, into: &groups, position: { $0 })
    return zip(groups.ordered, groups.ids).compactMap { finishGroup(rule, policy, $0, ctx, asOf: asOf, renderer: renderer, ids: $1) }
  }

  /// Adds every member of `ctx.facts` in the rule's jurisdiction and filter to its group.
  /// `position` maps a record index to its place in the whole input (a batch row number).
  /// A member's filter reads parameters on `asOf`: a group's own event date is known only once it is complete.
  /// `members`: the records that may be members, in order (nil: every record of the kind).
  func accumulate(_ rule: CompiledRule, _ policy: CompiledPolicy, _ ctx: EvalContext, asOf: CivilDate, households: HouseholdCodes,
                  into groups: inout GroupTable, members: [Int32]? = nil, position: (Int) -> Int) {
    let kind = rule.checked.subject
    ctx.kind = kind
    ctx.date = asOf
    ctx.key = []
    ctx.aggregates = []
    let count = members?.count ?? ctx.facts.tables[kind].count
    for i in 0..<count {
      let record = members.map { Int($0[i]) } ?? i
      ctx.record = record
      guard applies(policy, rule.anchor, ctx, households) else { continue }
      if let filter = rule.groupFilter, filter(ctx) != .bool(true) { continue }
      // Entities are keyed by id, not by their index in this chunk, so chunks merge.
      let key = rule.groupBy.map { ctx.facts.canonical($0.0(ctx)) }
      let text = ValueText.encode(key)
      let identity = ValueText.identity(ofText: text) ?? ValueText.identity(key)
      if groups.index[identity] == nil {
        let payee = rule.payee?(ctx) ?? .null, beneficiary = rule.beneficiary?(ctx) ?? .null
        groups.index[identity] = groups.ordered.count
        groups.ordered.append(GroupAccumulator(aggregates: rule.aggregates, keyText: text, firstSeen: position(record)))
        groups.ids.append(GroupTable.PartyIDs(payee: ctx.facts.id(of: payee), beneficiary: ctx.facts.id(of: beneficiary),
                                              payeeKind: Self.kindName(payee, schema)))
      }
      if let i = groups.index[identity] { groups.ordered[i].add(rule.aggregates, ctx) }
    }
  }

  static func kindName(_ value: Value, _ schema: FactSchema) -> String? {
    if case .entity(let kind, _) = value { return schema.entities[kind].name }
    return nil
  }

  /// Evaluates one accumulated group: conditions and amount read its key and aggregates.
  func finishGroup(_ rule: CompiledRule, _ policy: CompiledPolicy, _ group: GroupAccumulator, _ ctx: EvalContext,
                   asOf: CivilDate, renderer: ValueRenderer, ids: GroupTable.PartyIDs) -> EvalResult? {
    let key = group.key
    ctx.key = key
    ctx.aggregates = group.values
    let subject = zip(key, rule.groupBy).map { renderer.render($0, as: $1.1) }.joined(separator: "/")
    guard var result = evaluate(rule, policy, ctx, subject: subject, asOf: asOf, renderer: renderer, isGroup: true) else { return nil }
    result.payee = ids.payee
    result.payeeKind = ids.payeeKind
    result.beneficiary = ids.beneficiary ?? ids.payee ?? subject
    settleLimitKey(&result, rule)
    ctx.key = []
    ctx.aggregates = []
    return result
  }
}

/// Groups in the order their first member was seen, each with its accumulator.
public struct GroupTable: Sendable {
  public struct PartyIDs: Sendable, Equatable {
    public var payee: String?
    public var beneficiary: String?
    public var payeeKind: String?
    public init(payee: String?, beneficiary: String?, payeeKind: String?) {
      self.payee = payee
      self.beneficiary = beneficiary
      self.payeeKind = payeeKind
    }
  }
  /// Each group's place in `ordered`, by its key's identity text (`ValueText.identity`).
  var index: [String: Int] = [:]
  public internal(set) var ordered: [GroupAccumulator] = []
  /// Payee and beneficiary ids, read when the group was first seen (entity indices are chunk-local in a batch).
  public internal(set) var ids: [PartyIDs] = []
  public init() {}

  public var count: Int { ordered.count }

  /// Folds another table (a later chunk's) into this one, keeping first-seen order. Returns what the
  /// table grew by in memory, roughly (`estimatedBytes`).
  @discardableResult
  public mutating func merge(_ other: GroupTable) -> Int {
    var grown = 0
    for (i, accumulator) in other.ordered.enumerated() {
      let identity = ValueText.identity(ofText: accumulator.keyText) ?? ValueText.identity(accumulator.key)
      if let mine = index[identity] {
        if accumulator.firstSeen < ordered[mine].firstSeen { ids[mine] = other.ids[i] }
        let before = ordered[mine].estimatedBytes
        ordered[mine].merge(accumulator)
        grown += ordered[mine].estimatedBytes - before
      } else {
        index[identity] = ordered.count
        ordered.append(accumulator)
        ids.append(other.ids[i])
        grown += Self.estimatedBytes(accumulator, other.ids[i])
      }
    }
    return grown
  }

  /// What one group costs in a table: its index entry and key, its accumulator and its ids, at the
  /// load of tables that have just doubled.
  public static func estimatedBytes(_ accumulator: GroupAccumulator, _ ids: PartyIDs) -> Int {
    let strings = [ids.payee, ids.beneficiary, ids.payeeKind].reduce(0) { sum, id in
      sum + (id.map { $0.utf8.count > 15 ? 32 + $0.utf8.count : 0 } ?? 0)
    }
    return 48 + 48 + 72 + strings + accumulator.estimatedBytes
  }
}
