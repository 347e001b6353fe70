import PolicyCheck
import PolicySupport
import PolicyValues
import Testing

@testable import PolicyEval

/// How a group rule finds a member's group without a `String` per member: the key's identity text
/// written as bytes (`ValueText.appendIdentity`), found in `GroupKeys` by hash and bytes; and how the
/// groups are judged (`finishGroups`: limits settled on unexplained results, then explained).
@Suite struct GroupKeysTests {
  /// The facts `appendIdentity` reads entity ids from: two people.
  static func facts() throws -> Facts {
    var d = DiagnosticBag()
    let text = """
      people: [{id: P1, hukou: "533123"}, {id: "Pé", hukou: "533123"}]
      """
    let program = try SemanticsTests.program(SemanticsTests.conditionRule("true"))
    return try #require(FactsLoader(schema: program.schema).load(SourceFile(path: "f.yaml", text: text), into: &d))
  }

  /// The bytes are exactly the identity text of the canonical value (an entity as its id), for every
  /// kind of value; and where they say the value is ASCII, its `encode` text is that text too.
  @Test func identityBytesAreTheIdentityText() throws {
    let facts = try Self.facts()
    let person = try #require(facts.tables.firstIndex { $0.ids.contains("P1") })
    let values = GroupStateTests.values + [
      .number(Fixed(raw: Int64.min)), .number(Fixed(raw: -1)), .number(.zero), .enumCase(-7),
      .string("e\u{301}"), .string("\u{212A}"), .entity(kind: person, index: 0), .entity(kind: person, index: 1),
      .entity(kind: person, index: 99),
    ]
    for value in values {
      var bytes: [UInt8] = [0x41]
      let ascii = ValueText.appendIdentity(value, of: facts, to: &bytes)
      #expect(bytes.first == 0x41, "appended, not replaced")
      let written = String(decoding: bytes.dropFirst(), as: UTF8.self)
      #expect(written == ValueText.identity(facts.canonical(value)), "\(value)")
      if ascii { #expect(ValueText.encode(facts.canonical(value)) == written, "\(value) said ASCII") }
    }
    // The Kelvin sign's NFC is `K`: the key must keep its own text, so it is not called ASCII.
    var kelvin: [UInt8] = []
    #expect(!ValueText.appendIdentity(.string("\u{212A}"), of: facts, to: &kelvin))
    #expect(String(decoding: kelvin, as: UTF8.self) == "s1:K")
    var id: [UInt8] = []
    #expect(ValueText.appendIdentity(.entity(kind: person, index: 0), of: facts, to: &id))
    #expect(String(decoding: id, as: UTF8.self) == "s2:P1")
  }

  /// Numbers are read from the bytes in place, as `Int64(_:)` reads them: every value of 64 bits,
  /// and nothing that is not one.
  /// A key whose `encode` text is not its identity bytes keeps its own text (`appendIdentity` says
  /// so): a list or undetermined value holding text whose normal form differs in its bytes but not in
  /// their count (combining marks reordered), which `String ==` took for the same text.
  @Test func aKeyWhoseTextIsNotItsIdentityKeepsItsOwnText() throws {
    let facts = try Self.facts()
    let given = "a\u{301}\u{323}"
    #expect(ValueText.nfc(given).utf8.count == given.utf8.count && !ValueText.nfc(given).utf8.elementsEqual(given.utf8))
    for value in [Value.list([.string(given)]), .undetermined(.silent(given))] {
      var bytes: [UInt8] = []
      let same = ValueText.appendIdentity(value, of: facts, to: &bytes)
      #expect(!same || bytes == Array(ValueText.encode(value).utf8), "\(value): said its identity bytes are its text, but they differ")
    }
  }

  @Test func keyTextNumbersAreReadExactly() {
    for raw in [Int64.min, Int64.min + 1, -1, 0, 1, 9, 10, Int64.max - 1, Int64.max] {
      #expect(ValueText.decode("n\(raw);") == [.number(Fixed(raw: raw))], "\(raw)")
    }
    #expect(ValueText.decode("n+5;") == [.number(Fixed(raw: 5))])
    for bad in ["n;", "n-;", "n+;", "n1a;", "n 1;", "n9223372036854775808;", "n-9223372036854775809;", "n99999999999999999999;", "n12"] {
      #expect(ValueText.decode(bad) == nil, "\(bad)")
    }
  }

  /// Keys are told apart by their bytes whatever their hashes: two keys given the same hash are two
  /// places, each found again; a third with that hash is not found. Growing keeps every place.
  @Test func keysWithOneHashStayApart() {
    var keys = GroupKeys()
    let a = Array("s2:P1n20230000;".utf8), b = Array("s2:P2n20230000;".utf8), c = Array("s2:P3".utf8)
    a.withUnsafeBufferPointer { keys.append($0, hash: 7, text: nil) }
    b.withUnsafeBufferPointer { keys.append($0, hash: 7, text: "text of b") }
    #expect(a.withUnsafeBufferPointer { keys.find($0, hash: 7) } == 0)
    #expect(b.withUnsafeBufferPointer { keys.find($0, hash: 7) } == 1)
    #expect(c.withUnsafeBufferPointer { keys.find($0, hash: 7) } == nil)
    #expect(a.withUnsafeBufferPointer { keys.find($0, hash: 8) } == nil, "found by hash and bytes")
    #expect(keys.text(0) == "s2:P1n20230000;" && keys.text(1) == "text of b")
    // An empty key (a rule grouped by nothing) is a key too.
    let empty: [UInt8] = []
    empty.withUnsafeBufferPointer { keys.append($0, hash: GroupKeys.hash($0), text: nil) }
    #expect(empty.withUnsafeBufferPointer { keys.find($0, hash: GroupKeys.hash($0)) } == 2)
    for n in 0..<5_000 {
      let key = Array("K\(n)".utf8)
      key.withUnsafeBufferPointer { keys.append($0, hash: GroupKeys.hash($0), text: nil) }
    }
    for n in stride(from: 0, to: 5_000, by: 7) {
      let key = Array("K\(n)".utf8)
      #expect(key.withUnsafeBufferPointer { keys.find($0, hash: GroupKeys.hash($0)) } == n + 3)
      #expect(keys.identity(n + 3) == "K\(n)")
    }
    #expect(b.withUnsafeBufferPointer { keys.find($0, hash: 7) } == 1)
  }

  /// The groups a limited rule's first pass found refused, as bits: each number is in the set exactly
  /// when it was inserted, across word boundaries and far past the last.
  @Test func groupBitsHoldWhatWasInserted() {
    var bits = GroupBits()
    let inserted: Set = [0, 63, 64, 127, 1_000]
    for n in inserted { bits.insert(n) }
    for n in -1...1_100 { #expect(bits.contains(n) == inserted.contains(n), "\(n)") }
    #expect(!bits.contains(1 << 40))
  }

  /// Two tables with the same key written differently (composed and decomposed `é`, equal in Swift)
  /// merge into one group, which keeps the text of the table merged into.
  @Test func aKeyWrittenTwoWaysIsOneGroup() {
    var first = GroupTable(), second = GroupTable()
    let slots: [GroupAccumulator.Slot] = [.count(1)]
    first.append(key: [.string("\u{E9}")], GroupStateTests.accumulator(firstSeen: 5, slots), ids: .init(payee: "A", beneficiary: nil, payeeKind: nil))
    second.append(key: [.string("e\u{301}")], GroupStateTests.accumulator(firstSeen: 2, slots), ids: .init(payee: "B", beneficiary: nil, payeeKind: nil))
    second.append(key: [.string("x")], GroupStateTests.accumulator(firstSeen: 3, slots), ids: .init(payee: "C", beneficiary: nil, payeeKind: nil))
    #expect(second.keyText(0) == ValueText.encode([.string("e\u{301}")]), "the key keeps its own characters")
    first.merge(second)
    #expect(first.count == 2)
    #expect(first.keyText(0) == ValueText.encode([.string("\u{E9}")]))
    #expect(first.ordered[0].values == [.number(Fixed(integer: 2)!)])
    #expect(first.ids.map(\.payee) == ["B", "C"], "the earlier first member's ids")
    #expect(first.key(1) == [.string("x")])
  }

  /// A group rule with a limit, groups competing for it: the batch's judging (limits settled on
  /// unexplained results, then each group explained) gives what `eval` gives (every group explained,
  /// then `applyLimits`), explanations and refusals included.
  @Test func judgedGroupsAreEvalsGroups() throws {
    let rule = """
        - id: g
          clause: 一
          text: t
          kind: payment
          about: group
          group:
            of: dispatch
            where: present(dispatch.start)
            by: [dispatch.person, year(dispatch.start)]
          payee: person
          beneficiary: person
          dated: end_of_year(key(1))
          when:
            - sum(dispatch.cost) >= 100
          amount: sum(dispatch.cost)
          limit: [beneficiary]
      """
    let program = try SemanticsTests.program(rule)
    let facts = """
      people: [{id: P1, hukou: "533123"}, {id: P2, hukou: "533123"}, {id: P3, hukou: "533123"}]
      dispatches:
        - {id: D1, person: P1, start: 2021-03-01, cost: 50}
        - {id: D2, person: P1, start: 2022-03-01, cost: 200}
        - {id: D3, person: P2, start: 2022-05-01, cost: 10}
        - {id: D4, person: P1, start: 2022-07-01, cost: 100}
        - {id: D5, person: P1, start: 2023-01-01, cost: 500}
        - {id: D6, person: P2, start: 2023-02-01, cost: 300}
        - {id: D7, person: P3, start: 2024-02-01, cost: 300}
        - {id: D8, person: P3, start: 2023-02-01, cost: 100}
      """
    var d = DiagnosticBag()
    let loaded = try #require(FactsLoader(schema: program.schema).load(SourceFile(path: "f.yaml", text: facts), into: &d))
    let asOf = try #require(CivilDate.parse("2024-06-30"))
    let eval = program.evaluate(loaded, asOf: asOf).filter { $0.rule == "g" }
    var tables: [String: GroupTable] = [:]
    program.accumulateGroups(loaded, asOf: asOf, into: &tables, position: { $0 })
    let judged = program.finishGroups(tables, facts: loaded, asOf: asOf)
    #expect(judged.map(\.subject) == ["P1/2021", "P1/2022", "P2/2022", "P1/2023", "P2/2023", "P3/2024", "P3/2023"])
    #expect(judged.map(\.subject) == eval.map(\.subject))
    #expect(judged.map(\.status) == eval.map(\.status))
    #expect(judged.map(\.amount) == eval.map(\.amount))
    #expect(judged.map(\.explanation) == eval.map(\.explanation))
    #expect(judged.map(\.limitKey) == eval.map(\.limitKey))
    // P1 is paid once (2022, the earliest payable year), P3 once though its 2024 group was seen first.
    #expect(judged.filter { $0.status == .payable }.map(\.subject) == ["P1/2022", "P2/2023", "P3/2023"])
    #expect(judged.filter { $0.status == .ineligible }.count == 4)

    // Unexplained (a batch that keeps no explanation): the same results less their explanations, and
    // the groups whose conditions fail counted as refused, with the status they would have had.
    var claims = GroupClaimBook()
    var unexplained: [EvalResult] = []
    var refused: [Status] = []
    try program.finishGroups(facts: loaded, asOf: asOf, groups: { name, body in try tables[name]?.pages(2, body) }, claims: &claims,
                             explain: false, refused: { rule, status in
                               #expect(rule == judged[0].ruleIndex)
                               refused.append(status)
                             }, emit: { unexplained += $0 })
    #expect(refused == [.ineligible, .ineligible], "P1/2021 and P2/2022 fail their condition")
    let kept = judged.filter { !["P1/2021", "P2/2022"].contains($0.subject) }
    #expect(unexplained.map(\.subject) == kept.map(\.subject))
    #expect(unexplained.map(\.status) == kept.map(\.status))
    #expect(unexplained.map(\.amount) == kept.map(\.amount))
    #expect(unexplained.map(\.limitSlot) == kept.map(\.limitSlot))
    #expect(unexplained.map(\.beneficiary) == kept.map(\.beneficiary))
    #expect(unexplained.map(\.eligibleFrom) == kept.map(\.eligibleFrom))
    // No explanation is built, but a group refused by the limit says so.
    for r in unexplained {
      #expect(r.explanation.allSatisfy { if case .limitTaken? = $0.reason { true } else { false } }, "\(r.subject)")
    }
    #expect(unexplained.filter { !$0.explanation.isEmpty }.map(\.subject) == ["P1/2023", "P3/2024"])
  }
}
