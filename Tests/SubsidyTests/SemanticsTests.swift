import Foundation
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
import Testing

/// The evaluation semantics of docs/language.md on a schema and policy written here, not the shipped
/// ones: three-valued logic, undetermined conditions, event dates, limits, zero amounts.
@Suite struct SemanticsTests {
  /// A two-entity schema: workers and jobs, one optional field of each type the rules read.
  static let schema = """
    schema: 1
    enums:
      scope:
        values: {in_county: {zh: 县内, en: in county}, in_prefecture: {zh: 州内, en: p}, in_province: {zh: 省内, en: v}, out_of_province: {zh: 省外, en: o}}
      tier:
        values: {a: {zh: 甲, en: a}, b: {zh: 乙, en: b}}
      evidence:
        values: {receipt: {zh: 票据, en: receipt}}
    entities:
      person:
        plural: people
        anchor: hukou
        fields:
          id: {type: id, required: true}
          hukou: {type: code, required: true}
          household: {type: ref(household)}
          flag: {type: bool}
          tier: {type: enum(tier)}
      household:
        plural: households
        anchor: members
        fields:
          id: {type: id, required: true}
          members: {type: integer}
      dispatch:
        plural: dispatches
        anchor: person.hukou
        dated: dispatch.start
        fields:
          id: {type: id, required: true}
          person: {type: ref(person), required: true}
          start: {type: date}
          cost: {type: money}
          evidence: {type: list(evidence)}
    """

  /// Writes `schema` and a policy of `rules` (and parameters) into a temporary folder and checks them.
  static func compile(_ rules: String, parameters: String = "{}", effective: String = "2020-01-01",
                      schema: String = SemanticsTests.schema) throws -> (program: Program?, codes: [String], messages: [String]) {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try schema.write(to: dir.appendingPathComponent("facts.schema.yaml"), atomically: true, encoding: .utf8)
    let policy = """
      id: yingjiang
      title: test
      document: {issuer: test, number: null, date: \(effective), source: test}
      jurisdiction: "533123"
      effective: {from: \(effective), until: null}
      parameters: \(parameters)
      rules:
      \(rules)
      """
    try policy.write(to: dir.appendingPathComponent("test.yaml"), atomically: true, encoding: .utf8)
    let compiled = Subsidy.compile(dir.path)
    let diagnostics = compiled.outcome.diagnostics.diagnostics
    return (compiled.program, diagnostics.map(\.code.rawValue), diagnostics.map { "\($0.code): \($0.message)" })
  }

  /// The compiled program of `rules`; the test fails when they do not check.
  static func program(_ rules: String, parameters: String = "{}", effective: String = "2020-01-01") throws -> Program {
    let compiled = try compile(rules, parameters: parameters, effective: effective)
    return try #require(compiled.program, "policy must check: \(compiled.messages)")
  }

  static func run(_ program: Program, _ facts: String, asOf: String = "2024-06-30") throws -> [EvalResult] {
    var d = DiagnosticBag()
    let loaded = try #require(FactsLoader(schema: program.schema).load(SourceFile(path: "f.yaml", text: facts), into: &d),
                              "facts must load: \(d.diagnostics.map(\.message))")
    return program.evaluate(loaded, asOf: try #require(CivilDate.parse(asOf)))
  }

  /// One payment rule about dispatches whose single condition is `condition`.
  static func conditionRule(_ condition: String) -> String {
    """
      - id: r
        clause: 一
        text: t
        about: dispatch
        payee: person
        when: ['\(condition)']
        amount: 100
    """
  }

  static let nullFlag = """
    people: [{id: P1, hukou: "533123"}]
    dispatches: [{id: D1, person: P1, start: 2023-01-01}]
    """

  @Test(arguments: [
    // With `flag` null, each of these is unknown: never payable, and the two spellings of "not equal" agree.
    "person.flag == true", "person.flag != true", "not (person.flag == true)", "not person.flag",
    "person.tier == a", "person.tier != a", "not (person.tier == a)", "person.tier in [a, b]",
    "person.flag and true", "true and person.flag", "person.flag or false", "false or person.flag",
  ])
  func unknownFactsNeverPay(condition: String) throws {
    let results = try Self.run(try Self.program(Self.conditionRule(condition)), Self.nullFlag)
    #expect(results.first?.status == .ineligible, "`\(condition)` with a null flag")
  }

  @Test(arguments: [
    // A side that decides the connective decides it, whatever the other side is, in either order.
    ("person.flag and false", Status.ineligible), ("false and person.flag", .ineligible),
    ("person.flag or true", .payable), ("true or person.flag", .payable),
    ("is_null(person.flag)", .payable), ("present(person.flag)", .ineligible),
    ("if person.flag then true else true", .ineligible),
  ])
  func connectivesAreSymmetric(condition: String, expected: Status) throws {
    let results = try Self.run(try Self.program(Self.conditionRule(condition)), Self.nullFlag)
    #expect(results.first?.status == expected, "`\(condition)` with a null flag")
  }

  @Test func undeterminedConditionGivesUndeterminedNotIneligible() throws {
    // A table with no row for `b`: a condition reading it is undetermined, and so is the result.
    let parameters = """
      {cap: {type: money, by: tier, unit: 元, clause: 一, note: n, values: {2020-01-01: {a: 100}}}}
      """
    let program = try Self.program(Self.conditionRule("param.cap[person.tier] > 0"), parameters: parameters)
    let facts = """
      people: [{id: P1, hukou: "533123", tier: b}, {id: P2, hukou: "533123", tier: a}]
      dispatches: [{id: D1, person: P1, start: 2023-01-01}, {id: D2, person: P2, start: 2023-01-01}]
      """
    let results = try Self.run(program, facts)
    #expect(result(results, "r", "D1")?.status == .undetermined)
    #expect(result(results, "r", "D1")?.amount == nil)
    #expect(result(results, "r", "D2")?.status == .payable)
    // An undetermined side does not rescue a false one: `false and undetermined` is false.
    let refused = try Self.run(try Self.program(Self.conditionRule("false and param.cap[person.tier] > 0"), parameters: parameters), facts)
    #expect(result(refused, "r", "D1")?.status == .ineligible)
  }

  @Test func eventDateDecidesThePolicyPeriodAndPending() throws {
    let program = try Self.program(Self.conditionRule("true"), effective: "2023-08-24")
    let facts = """
      people: [{id: P1, hukou: "533123"}]
      dispatches:
        - {id: before, person: P1, start: 2023-08-23}
        - {id: first-day, person: P1, start: 2023-08-24}
        - {id: future, person: P1, start: 2024-09-01}
        - {id: unknown, person: P1}
      """
    let results = try Self.run(program, facts, asOf: "2024-06-30")
    #expect(result(results, "r", "before")?.status == .ineligible)
    #expect(result(results, "r", "first-day")?.status == .payable)
    #expect(result(results, "r", "first-day")?.eligibleFrom?.description == "2023-08-24")
    #expect(result(results, "r", "future")?.status == .pending)
    #expect(result(results, "r", "future")?.eligibleFrom?.description == "2024-09-01")
    // No event date: never paid, and said why.
    #expect(result(results, "r", "unknown")?.status == .undetermined)
    #expect(result(results, "r", "unknown")?.amount == nil)
  }

  @Test func parametersAreValuedOnTheEventDate() throws {
    let parameters = "{rate: {type: money, unit: 元, clause: 一, note: n, values: {2020-01-01: 100, 2024-01-01: 150, 2025-01-01: null}}}"
    let rules = """
        - id: r
          clause: 一
          text: t
          about: dispatch
          payee: person
          amount: param.rate
      """
    let facts = """
      people: [{id: P1, hukou: "533123"}]
      dispatches: [{id: old, person: P1, start: 2023-12-31}, {id: new, person: P1, start: 2024-01-01}, {id: ended, person: P1, start: 2025-02-01}]
      """
    let results = try Self.run(try Self.program(rules, parameters: parameters), facts, asOf: "2025-06-30")
    #expect(result(results, "r", "old")?.amount?.fenString == "100.00")
    #expect(result(results, "r", "new")?.amount?.fenString == "150.00")
    #expect(result(results, "r", "ended")?.status == .undetermined)
  }

  @Test func limitKeyDoesNotDependOnTheOrderItIsWritten() throws {
    func keys(_ limit: String) throws -> [String] {
      let rules = """
          - id: r
            clause: 一
            text: t
            about: dispatch
            payee: person
            amount: 100
            limit: \(limit)
        """
      let facts = """
        people: [{id: P1, hukou: "533123"}]
        dispatches: [{id: D1, person: P1, start: 2023-03-01}, {id: D2, person: P1, start: 2023-05-01}]
        """
      return try Self.run(try Self.program(rules), facts).filter { $0.status == .payable }.compactMap(\.limitKey)
    }
    let written = try keys("[beneficiary, year]")
    #expect(written == ["yingjiang|r|P1|2023"])
    #expect(try keys("[year, beneficiary]") == written)
  }

  @Test func anUnknownLimitPartIsNeverASharedKey() throws {
    let rules = """
        - id: r
          clause: 一
          text: t
          about: dispatch
          payee: person
          beneficiary: household
          amount: 100
          limit: [beneficiary]
      """
    let facts = """
      people: [{id: P1, hukou: "533123"}, {id: P2, hukou: "533123"}, {id: P3, hukou: "533123", household: H1}]
      households: [{id: H1, members: 2}]
      dispatches: [{id: D1, person: P1, start: 2023-03-01}, {id: D2, person: P2, start: 2023-05-01}, {id: D3, person: P3, start: 2023-05-01}]
      """
    let results = try Self.run(try Self.program(rules), facts)
    // Neither worker without a household is refused "already granted" for the other.
    #expect(result(results, "r", "D1")?.status == .undetermined)
    #expect(result(results, "r", "D2")?.status == .undetermined)
    #expect(result(results, "r", "D1")?.limitKey == nil)
    #expect(result(results, "r", "D3")?.status == .payable)
  }

  @Test func aZeroAmountIsNeverPayableAndTakesNoLimit() throws {
    let rules = """
        - id: r
          clause: 一
          text: t
          about: dispatch
          payee: person
          amount: dispatch.cost
          limit: [beneficiary]
      """
    let facts = """
      people: [{id: P1, hukou: "533123"}]
      dispatches: [{id: D1, person: P1, start: 2023-03-01, cost: 0.001}, {id: D2, person: P1, start: 2023-05-01, cost: 200}]
      """
    let results = try Self.run(try Self.program(rules), facts)
    #expect(result(results, "r", "D1")?.status == .ineligible)
    #expect(result(results, "r", "D2")?.status == .payable)
    #expect(result(results, "r", "D2")?.amount?.fenString == "200.00")
  }

  @Test func checkWarnsForAPaymentWithoutAnEventDate() throws {
    let noDefault = Self.schema.replacingOccurrences(of: "    dated: dispatch.start\n", with: "")
    #expect(try Self.compile(Self.conditionRule("true"), schema: noDefault).codes.contains("no-event-date"))
  }

  @Test(arguments: [
    ("", true),                                        // the amount reads dispatch.cost, which may be null
    ("when: ['dispatch.cost > 0']", false),            // a condition guarantees it is given
    ("when: ['present(dispatch.cost) or dispatch.cost > 5']", false),
    ("when: ['present(dispatch.cost) or true']", true), // an `or` guarantees only what both sides do
    ("may_be_null: [dispatch.cost]", false),           // accepted, with a note
  ])
  func checkWarnsWhereAnAmountReadsAFactThatMayBeNull(extra: String, warns: Bool) throws {
    let rule = """
        - id: r
          clause: 一
          text: t
          about: dispatch
          payee: person
          amount: dispatch.cost
          \(extra)
      """
    let codes = try Self.compile(rule).codes
    #expect(codes.contains("nullable-read") == warns, "\(extra): \(codes)")
  }

}
