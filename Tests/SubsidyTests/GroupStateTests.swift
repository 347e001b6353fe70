import PolicyCheck
import PolicyValues
import Testing

@testable import PolicyEval
@testable import SubsidyKit

/// A group's state as a batch keeps it: the key and distinct values as exact texts (`ValueText`), the
/// scalars as a stored text (`storedState`), and the whole book on disk past `--memory`
/// (`SpillingGroupBook`, `SpillingGroupClaims`). Each must give back exactly what it was given.
@Suite struct GroupStateTests {
  static let values: [Value] = [
    .null, .bool(true), .bool(false), .number(Fixed(raw: -1_234_567)), .number(Fixed(raw: Int64.max)),
    .date(CivilDate(year: 2023, month: 2, day: 28)!), .string(""), .string("P00000001"), .string("带头能人;1:2,3"),
    .string("a\u{0}b"), .code(DivisionCode(stored: 522_732)), .enumCase(3), .entity(kind: 2, index: 17),
    .list([.string("x"), .list([]), .number(Fixed(raw: 5))]), .duration(-3, .months),
    .undetermined(.noValue(parameter: "lead_tier1_min", on: CivilDate(year: 2019, month: 1, day: 1)!)),
    .undetermined(.noRow(table: "rates", key: "in_province")), .undetermined(.amountFactNotGiven),
    .undetermined(.limitPartUnknown(["beneficiary", "year"])), .undetermined(.tooLarge("sum")),
  ]

  @Test func valueTextRoundTrips() {
    for value in Self.values {
      #expect(ValueText.decode(ValueText.encode(value)) == [value], "\(value)")
    }
    #expect(ValueText.decode(ValueText.encode(Self.values)) == Self.values)
    #expect(ValueText.decode("s9:short") == nil)
    #expect(ValueText.decode("x") == nil)
  }

  /// Two values share an identity text exactly when they are equal: a distinct count over texts is the
  /// count over values.
  @Test func identityTextIsEquality() {
    for (i, a) in Self.values.enumerated() {
      for (j, b) in Self.values.enumerated() {
        #expect((ValueText.identity(a) == ValueText.identity(b)) == (i == j), "\(a) vs \(b)")
      }
    }
    // Keys whose parts could run together stay apart.
    #expect(ValueText.identity([.string("ab"), .string("c")]) != ValueText.identity([.string("a"), .string("bc")]))
    #expect(ValueText.identity(.string("1")) != ValueText.identity(.number(Fixed(integer: 1)!)))
    // Canonically equivalent strings are equal in Swift, so they are one value: one text.
    let composed = Value.string("\u{E9}"), decomposed = Value.string("e\u{301}")
    #expect(composed == decomposed)
    #expect(ValueText.identity(composed) == ValueText.identity(decomposed))
    #expect(ValueText.decode(ValueText.encode(decomposed)) == [decomposed])
    #expect(ValueText.encode(decomposed).utf8.count != ValueText.encode(composed).utf8.count, "the key keeps its own characters")
  }

  static func accumulator(firstSeen: Int, _ slots: [GroupAccumulator.Slot]) -> GroupAccumulator {
    var a = GroupAccumulator(aggregates: [], firstSeen: firstSeen)
    a.slots = slots
    return a
  }

  static func key(_ key: String) -> [Value] { [.string(key), .number(Fixed(integer: 2023)!)] }

  static let nearMax = Fixed(raw: Int64.max - 10)

  @Test func storedStateRoundTrips() throws {
    let cases: [[GroupAccumulator.Slot]] = [
      [.count(7), .distinct(["s2:P1", "s2:P2", "s2:P3"]), .sum(Fixed(raw: 1_500_000), overflow: false),
       .minimum(Fixed(raw: -20_000)), .maximum(Fixed(raw: 90_000))],
      [.sum(nil, overflow: true), .minimum(nil), .maximum(nil), .count(0), .distinct([])],
      [.counted(123), .sum(Self.nearMax, overflow: false)],
      [],
    ]
    for slots in cases {
      let a = Self.accumulator(firstSeen: 42, slots)
      let b = try #require(GroupAccumulator(firstSeen: a.firstSeen, storedState: a.storedState))
      #expect(b.values == a.values, "\(a.storedState)")
      #expect(b.distinctCounts == a.distinctCounts)
      #expect(b.firstSeen == 42)
      #expect(b.storedState == a.storedState)
    }
    #expect(GroupAccumulator(firstSeen: 0, storedState: "c1,q2") == nil)
    #expect(GroupAccumulator(firstSeen: 0, storedState: "c1x") == nil)
  }

  static func table(_ groups: [(key: String, firstSeen: Int, payee: String, slots: [GroupAccumulator.Slot])]) -> GroupTable {
    var t = GroupTable()
    for g in groups {
      t.append(key: key(g.key), accumulator(firstSeen: g.firstSeen, g.slots), ids: .init(payee: g.payee, beneficiary: g.payee, payeeKind: "organization"))
    }
    return t
  }

  /// Three chunks of one rule's groups: a group met again (with an earlier first member, its payee
  /// then the earlier one's), distinct values repeated across chunks, a sum that overflows only when
  /// merged, minima and maxima from different chunks, and a group only the last chunk has.
  static let chunks: [GroupTable] = [
    table([("L1", 10, "O-late", [.count(2), .distinct(["s2:P1", "s2:P2"]), .sum(nearMax, overflow: false), .minimum(Fixed(raw: 5)), .maximum(Fixed(raw: 5))]),
           ("L2", 11, "O-2", [.count(1), .distinct(["s2:P9"]), .sum(Fixed(raw: 1), overflow: false), .minimum(nil), .maximum(nil)])]),
    table([("L2", 20, "O-2b", [.count(1), .distinct(["s2:P9"]), .sum(Fixed(raw: 2), overflow: false), .minimum(Fixed(raw: 7)), .maximum(Fixed(raw: 7))]),
           ("L1", 3, "O-early", [.count(1), .distinct(["s2:P2", "s2:P3"]), .sum(Fixed(raw: 100), overflow: false), .minimum(Fixed(raw: 1)), .maximum(Fixed(raw: 9))])]),
    table([("L3", 30, "O-3", [.count(4), .distinct([]), .sum(.zero, overflow: false), .minimum(nil), .maximum(Fixed(raw: 3))]),
           ("L1", 31, "O-last", [.count(1), .distinct(["s2:P4"]), .sum(Fixed(raw: 1), overflow: false), .minimum(nil), .maximum(nil)])]),
  ]

  func held(megabytes: Int) throws -> [HeldGroup] {
    var book = SpillingGroupBook(place: SpillPlace(budget: MemoryBudget(megabytes: megabytes)))
    for chunk in Self.chunks { try book.take(["p/r": chunk]) }
    #expect(book.isSpilled == (megabytes == 0))
    try book.settle()
    var out: [HeldGroup] = []
    try book.groups(of: "p/r", page: 2) { out += $0 }
    return out
  }

  /// The same groups, in the same order, with the same aggregates and first-seen payee, whether they
  /// stayed in memory or were merged on disk chunk by chunk.
  @Test func spilledGroupsMergeAsInMemory() throws {
    var memory = GroupTable()
    for chunk in Self.chunks { memory.merge(chunk) }
    for groups in [try held(megabytes: 128), try held(megabytes: 0)] {
      #expect(groups.map(\.key) == memory.ordered.indices.map(memory.key))
      #expect(groups.map(\.accumulator.values) == memory.ordered.map(\.values))
      #expect(groups.map(\.ids) == memory.ids)
      #expect(groups.map(\.accumulator.firstSeen) == [3, 11, 30])
    }
    let l1 = memory.ordered[0]
    #expect(memory.ids[0].payee == "O-early")
    #expect(l1.distinctCounts == [0, 4, 0, 0, 0])
    #expect(l1.values[2] == .undetermined(.tooLarge("sum")), "the sum overflows once the chunks are merged")
    #expect(l1.values[3] == .number(Fixed(raw: 1)) && l1.values[4] == .number(Fixed(raw: 9)))
    #expect(memory.ordered[1].values == [.number(Fixed(integer: 2)!), .number(Fixed(integer: 1)!), .number(Fixed(raw: 3)), .number(Fixed(raw: 7)), .number(Fixed(raw: 7))])
  }

  /// More groups than one page of a flush (4,096), held in memory and then moved to disk at once,
  /// then more after: every group keeps its own place in first-seen order. (Ordinals restarted at
  /// each page, so a second page collided with the first: `UNIQUE constraint failed`.)
  @Test func aFlushOfManyPagesKeepsEveryGroupsPlace() throws {
    let slots: [GroupAccumulator.Slot] = [.count(1), .distinct([]), .sum(.zero, overflow: false), .minimum(nil), .maximum(nil)]
    let first = Self.table((0..<10_000).map { ("K\($0)", $0, "O", slots) })
    let second = Self.table((5_000..<12_000).map { ("K\($0)", 20_000 + $0, "O", slots) })
    let place = SpillPlace(budget: MemoryBudget(megabytes: 1))
    var book = SpillingGroupBook(place: place)
    try book.take(["p/r": first])
    _ = place.report(.limitWinners, bytes: 2 << 20)  // the pool fills: the next take moves all held groups
    try book.take(["p/r": second])
    #expect(book.isSpilled)
    try book.settle()
    var keys: [Value] = [], counts: [Value] = []
    try book.groups(of: "p/r", page: 1_000) { page in
      keys += page.map { $0.key[0] }
      counts += page.map { $0.accumulator.values[0] }
    }
    #expect(keys == (0..<12_000).map { .string("K\($0)") })
    #expect(counts == (0..<12_000).map { .number(Fixed(integer: $0 >= 5_000 && $0 < 10_000 ? 2 : 1)!) })
  }

  /// The limit's holder per slot, whether the claims stay in memory or move to disk: the claim that
  /// stands first, and of equal claims the one offered first.
  @Test func spilledClaimsSettleAsInMemory() throws {
    let date = CivilDate(year: 2023, month: 12, day: 31)!
    let slots = (0..<3).map { LimitSlot(stored: 1, beneficiary: "H\($0)", payee: "", year: 0) }
    let offers: [(Int, GroupClaim)] = [
      (0, GroupClaim(group: 0, status: .pending, date: date, subject: "H0/2021")),
      (0, GroupClaim(group: 1, status: .payable, date: date, subject: "H0/2022")),
      (1, GroupClaim(group: 2, status: .payable, date: date, subject: "H1/2020")),
      (1, GroupClaim(group: 3, status: .payable, date: date, subject: "H1/2020")),
      (2, GroupClaim(group: 4, status: .payable, date: date, subject: "H2/2022")),
      (2, GroupClaim(group: 5, status: .payable, date: CivilDate(year: 2020, month: 12, day: 31)!, subject: "H2/2020")),
      (0, GroupClaim(group: 6, status: .missingEvidence, date: date, subject: "H0/2019")),
    ]
    var memory = GroupClaimBook()
    var spilled = SpillingGroupClaims(place: SpillPlace(budget: MemoryBudget(megabytes: 0)))
    for (slot, claim) in offers {
      memory.offer(claim, slot: slots[slot])
      try spilled.offer(claim, slot: slots[slot])
    }
    #expect(slots.map { memory.holder(of: $0)?.group } == [1, 2, 5])
    #expect(try slots.map { try spilled.holder(of: $0) } == slots.map { memory.holder(of: $0) })
    try spilled.removeAll()
    #expect(try spilled.holder(of: slots[0]) == nil)
  }
}
