import PolicyCheck
import PolicyValues

extension Program {
  /// Splits the members of a group rule by its key, accumulates each group's aggregates, and
  /// evaluates each group as one subject.
  func evaluateGroups(_ rule: CompiledRule, _ policy: CompiledPolicy, _ ctx: EvalContext, asOf: CivilDate,
                      households: HouseholdCodes, renderer: ValueRenderer) -> [EvalResult] {
    var groups = GroupTable()
    accumulate(rule, policy, ctx, asOf: asOf, households: households, into: &groups, position: { $0 })
    return groups.ordered.indices.compactMap {
      finishGroup(rule, policy, groups.ordered[$0], key: groups.key($0), ctx, asOf: asOf, renderer: renderer, ids: groups.ids[$0])
    }
  }

  /// Adds every member of `ctx.facts` in the rule's jurisdiction and filter to its group.
  /// `position` maps a record index to its place in the whole input (a batch row number).
  /// A member's filter reads parameters on `asOf`: a group's own event date is known only once it is complete.
  /// `members`: the records that may be members, in order (nil: every record of the kind).
  /// `marking`: a flag per record of the kind, set for each record taken as a member.
  func accumulate(_ rule: CompiledRule, _ policy: CompiledPolicy, _ ctx: EvalContext, asOf: CivilDate, households: HouseholdCodes,
                  into groups: inout GroupTable, members: [Int32]? = nil, position: (Int) -> Int,
                  marking marks: UnsafeMutableBufferPointer<Bool>? = nil) {
    let kind = rule.checked.subject
    ctx.kind = kind
    ctx.date = asOf
    ctx.key = []
    ctx.aggregates = []
    let count = members?.count ?? ctx.facts.tables[kind].count
    // The member's key and a distinct value are written here, never made a `String` per member.
    var key: [UInt8] = [], scratch: [UInt8] = []
    key.reserveCapacity(64)
    scratch.reserveCapacity(32)
    // Read out of the rule (a class) and the context once, not for every member.
    let facts = ctx.facts, groupBy = rule.groupBy, aggregates = rule.aggregates, filter = rule.groupFilter
    for i in 0..<count {
      let record = members.map { Int($0[i]) } ?? i
      ctx.record = record
      guard applies(policy, rule.anchor, ctx, households) else { continue }
      if let filter, filter(ctx) != .bool(true) { continue }
      if let marks, record < marks.count { marks[record] = true }
      // Entities are keyed by id, not by their index in this chunk, so chunks merge.
      key.removeAll(keepingCapacity: true)
      var ascii = true
      for (part, _) in groupBy where !ValueText.appendIdentity(part(ctx), of: facts, to: &key) { ascii = false }
      let place = key.withUnsafeBufferPointer { bytes in
        let hash = GroupKeys.hash(bytes)
        if let place = groups.keys.find(bytes, hash: hash) { return place }
        // A new group: its key as given, when that is not its identity; its parties' ids.
        let text = ascii ? nil : ValueText.encode(groupBy.map { facts.canonical($0.0(ctx)) })
        let payee = rule.payee?(ctx) ?? .null, beneficiary = rule.beneficiary?(ctx) ?? .null
        groups.ordered.append(GroupAccumulator(aggregates: aggregates, firstSeen: position(record)))
        groups.ids.append(GroupTable.PartyIDs(payee: facts.id(of: payee), beneficiary: facts.id(of: beneficiary),
                                              payeeKind: Self.kindName(payee, schema)))
        return groups.keys.append(bytes, hash: hash, text: text)
      }
      groups.ordered[place].add(aggregates, ctx, facts: facts, scratch: &scratch)
    }
  }

  static func kindName(_ value: Value, _ schema: FactSchema) -> String? {
    if case .entity(let kind, _) = value { return schema.entities[kind].name }
    return nil
  }

  /// Evaluates one accumulated group: conditions and amount read its key and aggregates.
  ///
  /// Without `explain` (settling which group keeps a limit's slot) conditions stop at the first that
  /// fails and a refused group gives nil: a refused group claims no slot, and the status, date, subject
  /// and slot of any other are the same as explained (`evaluate`).
  func finishGroup(_ rule: CompiledRule, _ policy: CompiledPolicy, _ group: GroupAccumulator, key: [Value], _ ctx: EvalContext,
                   asOf: CivilDate, renderer: ValueRenderer, ids: GroupTable.PartyIDs, explain: Bool = true) -> EvalResult? {
    ctx.key = key
    // Written into the context's own array, which keeps its room from group to group (one array less
    // made and freed per group and pass).
    group.writeValues(into: &ctx.aggregates)
    // `key/key…`, each part rendered as its type, written into one string.
    var subject = ""
    for (i, (value, part)) in zip(key, rule.groupBy).enumerated() {
      if i > 0 { subject += "/" }
      subject += renderer.render(value, as: part.1)
    }
    defer {
      ctx.key = []
      ctx.aggregates.removeAll(keepingCapacity: true)
    }
    guard var result = evaluate(rule, policy, ctx, subject: subject, asOf: asOf, renderer: renderer, isGroup: true, explain: explain) else {
      return nil
    }
    result.payee = ids.payee
    result.payeeKind = ids.payeeKind
    result.beneficiary = ids.beneficiary ?? ids.payee ?? subject
    settleLimitKey(&result, rule, writingKey: explain)
    return result
  }
}

/// Groups in the order their first member was seen, each with its key (`GroupKeys`), its accumulator
/// and its parties' ids.
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
  /// Each group's key, at its place in `ordered`.
  var keys = GroupKeys()
  public internal(set) var ordered: [GroupAccumulator] = []
  /// Payee and beneficiary ids, read when the group was first seen (entity indices are chunk-local in a batch).
  public internal(set) var ids: [PartyIDs] = []
  public init() {}

  public var count: Int { ordered.count }

  /// Group `place`'s key as its first member gave it (`ValueText.encode`).
  public func keyText(_ place: Int) -> String { keys.text(place) }
  /// Group `place`'s key's values, read from the key's bytes in place.
  public func key(_ place: Int) -> [Value] {
    if let text = keys.ownText(place) { return ValueText.decode(text) ?? [] }
    let range = keys.range(place)
    return keys.bytes.withUnsafeBufferPointer { ValueText.decode(utf8: UnsafeBufferPointer(rebasing: $0[range])) } ?? []
  }

  /// Adds a group whose key is `key` (values as they are: entities are not made ids) and not yet held.
  mutating func append(key: [Value], _ accumulator: GroupAccumulator, ids: PartyIDs) {
    let identity = Array(ValueText.identity(key).utf8), text = ValueText.encode(key)
    identity.withUnsafeBufferPointer { bytes in
      precondition(keys.find(bytes, hash: GroupKeys.hash(bytes)) == nil, "a group with this key is held already")
      keys.append(bytes, hash: GroupKeys.hash(bytes), text: text.utf8.elementsEqual(identity) ? nil : text)
    }
    ordered.append(accumulator)
    self.ids.append(ids)
  }

  /// Folds another table (a later chunk's) into this one, keeping first-seen order. Returns what the
  /// table grew by in memory, roughly (`estimatedBytes`). Each of the other's keys is found by the
  /// bytes and hash the other holds: no key is made or hashed again.
  @discardableResult
  public mutating func merge(_ other: GroupTable) -> Int {
    var grown = 0
    if ordered.isEmpty { keys.reserveCapacity(keys: other.count, bytes: other.keys.bytes.count) }
    other.keys.bytes.withUnsafeBufferPointer { all in
      for (i, accumulator) in other.ordered.enumerated() {
        let r = other.keys.range(i)
        let key = UnsafeBufferPointer(rebasing: all[r])
        let hash = other.keys.hashes[i]
        if let mine = keys.find(key, hash: hash) {
          if accumulator.firstSeen < ordered[mine].firstSeen { ids[mine] = other.ids[i] }
          let before = ordered[mine].estimatedBytes
          ordered[mine].merge(accumulator)
          grown += ordered[mine].estimatedBytes - before
        } else {
          keys.append(key, hash: hash, text: other.keys.ownText(i))
          ordered.append(accumulator)
          ids.append(other.ids[i])
          grown += Self.estimatedBytes(accumulator, other.ids[i], keyLength: r.count, keyText: other.keys.ownText(i))
        }
      }
    }
    return grown
  }

  /// What one group costs in a table: its key (`GroupKeys`), its accumulator and its ids, at the load
  /// of tables that have just doubled.
  public static func estimatedBytes(_ accumulator: GroupAccumulator, _ ids: PartyIDs, keyLength: Int, keyText: String? = nil) -> Int {
    // Each id's storage when it is not inline (past 15 bytes); no array made to sum them.
    func heap(_ id: String?) -> Int { id.map { $0.utf8.count > 15 ? 32 + $0.utf8.count : 0 } ?? 0 }
    let strings = heap(ids.payee) + heap(ids.beneficiary) + heap(ids.payeeKind)
    return 48 + 72 + GroupKeys.estimatedBytes(length: keyLength, text: keyText) + strings + accumulator.estimatedBytes
  }
}
