import PolicyCheck
import PolicyDSL
import PolicyValues

/// One group handed back when a batch judges its groups: its key, its accumulator and its parties' ids.
public struct HeldGroup: Sendable {
  /// The key's values, as its first member gave them: read from the table's bytes (`GroupTable.key`)
  /// with no text made in between (a key past 15 bytes was one allocation per group and pass).
  public var key: [Value]
  public var accumulator: GroupAccumulator
  public var ids: GroupTable.PartyIDs
  public init(key: [Value], accumulator: GroupAccumulator, ids: GroupTable.PartyIDs) {
    self.key = key
    self.accumulator = accumulator
    self.ids = ids
  }

  /// The key's text (`ValueText.encode`), as a spill store keeps it.
  public var keyText: String { ValueText.encode(key) }
}

/// A group's claim on its rule's limit: which group (its place in the rule's first-seen order) and
/// where it stands (`ClaimOrder`).
public struct GroupClaim: Sendable, Equatable {
  public var group: Int
  public var status: Status
  public var date: CivilDate
  public var subject: String
  public init(group: Int, status: Status, date: CivilDate, subject: String) {
    self.group = group
    self.status = status
    self.date = date
    self.subject = subject
  }
  public var order: ClaimOrder { ClaimOrder(status: status, date: date, subject: subject) }
}

/// The best claim per limit slot of one group rule, settled over all its groups before any is
/// written: in memory (`GroupClaimBook`) or, for a batch past its memory budget, on disk. Equal
/// claims: the one offered first keeps the slot, as in `LimitBook`.
public protocol GroupClaimHolders {
  mutating func offer(_ claim: GroupClaim, slot: LimitSlot) throws
  func holder(of slot: LimitSlot) throws -> GroupClaim?
  /// Forgets every claim: the next rule starts.
  mutating func removeAll() throws
}

/// `GroupClaimHolders` in memory: the evaluator's `LimitBook`.
public struct GroupClaimBook: GroupClaimHolders {
  private var book = LimitBook<GroupClaim>()
  public init() {}
  public var count: Int { book.count }
  public mutating func offer(_ claim: GroupClaim, slot: LimitSlot) { book.offer(claim, slot: slot, order: claim.order) }
  public func holder(of slot: LimitSlot) -> GroupClaim? { book.holder(of: slot) }
  public mutating func removeAll() { book = LimitBook() }
}

extension GroupTable {
  /// The groups in first-seen order, `size` at a time.
  public func pages(_ size: Int, _ body: ([HeldGroup]) throws -> Void) rethrows {
    let size = max(1, size)
    for start in stride(from: 0, to: ordered.count, by: size) {
      let end = min(ordered.count, start + size)
      try body((start..<end).map { HeldGroup(key: key($0), accumulator: ordered[$0], ids: ids[$0]) })
    }
  }
}

extension Program {
  /// Judges every group rule's groups, rule by rule in program order and each rule's groups in
  /// first-seen order, with its limit applied, handing the results to `emit` a page at a time: a batch
  /// whose groups are on disk never holds them all in memory.
  ///
  /// `groups(name, body)` gives the groups of the rule named `policy/rule` to `body`, a page at a time
  /// in first-seen order. It is asked twice for a rule with a limit: once to settle which group keeps
  /// each slot (`claims`), once to judge and emit, the others refused as `applyLimits` refuses them.
  ///
  /// Without `explain` (a batch that keeps no explanation) the groups are judged as a batch judges its
  /// rows: unexplained, and a refused group is not built but handed to `refused` with its rule's index
  /// and the status its result would have had (`refusal(of:)`). Every other result is the one explained
  /// judging gives, less its explanation and ledger key (a batch writes neither; `PayoutRow`).
  public func finishGroups<Claims: GroupClaimHolders>(
    facts: Facts, asOf: CivilDate, groups: (String, ([HeldGroup]) throws -> Void) throws -> Void,
    claims: inout Claims, explain: Bool = true, refused: (_ rule: Int, _ status: Status) -> Void = { _, _ in },
    emit: ([EvalResult]) throws -> Void
  ) throws {
    // `emit` and `refused` are called from inside `groups`' pages, and never kept.
    try withoutActuallyEscaping(emit) { emitPage in
      try withoutActuallyEscaping(refused) { refusedGroup in
        try finishGroups(facts: facts, asOf: asOf, groups: groups, claims: &claims, explain: explain, refused: refusedGroup, emitPage: emitPage)
      }
    }
  }

  /// The status of a result its rule refuses, by the rule's kind: what an explained judging gives a
  /// subject that an unexplained one gives no result (`evaluate`).
  static func refusal(of kind: Rule.Kind) -> Status {
    switch kind {
    case .payment, .entitlement, .advance: .ineligible
    case .qualification: .notMet
    case .obligation: .notApplicable
    }
  }

  private func finishGroups<Claims: GroupClaimHolders>(
    facts: Facts, asOf: CivilDate, groups: (String, ([HeldGroup]) throws -> Void) throws -> Void,
    claims: inout Claims, explain: Bool, refused: @escaping (Int, Status) -> Void, emitPage: @escaping ([EvalResult]) throws -> Void
  ) throws {
    let ctx = EvalContext(facts: facts, date: asOf)
    let renderer = ValueRenderer(schema: schema, facts: facts)
    for policy in policies {
      ctx.parameters = policy.checked.parameters
      for rule in policy.rules where rule.isGroup {
        let name = "\(policy.checked.id)/\(rule.checked.id)"
        let limited = !rule.checked.limit.isEmpty
        // The groups the first pass found refused, one bit each: judged unexplained again, they would be
        // refused again (the same rule, key and aggregates), so the second pass only counts them.
        var refusedFirst = GroupBits()
        if limited {
          try claims.removeAll()
          var n = 0
          try groups(name) { page in
            for held in page {
              defer { n += 1 }
              // Unexplained: only the claim is read here; the group is explained when it is judged below.
              guard let r = finishGroup(rule, policy, held.accumulator, key: held.key, ctx, asOf: asOf, renderer: renderer, ids: held.ids,
                                        explain: false) else {
                refusedFirst.insert(n)
                continue
              }
              guard r.status.claimsLimit, let slot = r.limitSlot else { continue }
              try claims.offer(GroupClaim(group: n, status: r.status, date: r.ruleDate, subject: r.subject), slot: slot)
            }
          }
        }
        var n = 0
        try groups(name) { page in
          var results: [EvalResult] = []
          for held in page {
            defer { n += 1 }
            if !explain, refusedFirst.contains(n) {
              refused(rule.index, Self.refusal(of: rule.checked.kind))
              continue
            }
            guard var r = finishGroup(rule, policy, held.accumulator, key: held.key, ctx, asOf: asOf, renderer: renderer, ids: held.ids,
                                      explain: explain) else {
              if !explain { refused(rule.index, Self.refusal(of: rule.checked.kind)) }
              continue
            }
            if limited, r.status.claimsLimit, let slot = r.limitSlot, let holder = try claims.holder(of: slot), holder.group != n {
              r.refuse(limit: rule.checked.limit, grantedTo: holder.subject, span: rule.checked.syntax.limit.first?.span)
            }
            // Moved in, not copied (a copy retained each of the result's strings and lists, and released them after).
            results.append(consume r)
          }
          if !results.isEmpty { try emitPage(results) }
        }
        if limited { try claims.removeAll() }
      }
    }
  }
}

/// A set of group numbers (places in first-seen order) as bits: 38,000 groups are 5 KB.
struct GroupBits {
  private var words: [UInt64] = []

  mutating func insert(_ n: Int) {
    let word = n >> 6
    if word >= words.count { words += repeatElement(0, count: word + 1 - words.count) }
    words[word] |= 1 << UInt64(n & 63)
  }

  func contains(_ n: Int) -> Bool {
    let word = n >> 6
    return n >= 0 && word < words.count && words[word] & (1 << UInt64(n & 63)) != 0
  }
}
