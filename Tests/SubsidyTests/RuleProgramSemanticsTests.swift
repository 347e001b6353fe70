import Foundation
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
import Testing

/// The column programs (`RuleProgram`) filter the subjects a rule refuses before the row evaluator
/// judges the rest, so they must read nulls, `and`/`or`/`not` with unknowns, dates, money and
/// missing references exactly as the row path does. A small policy written here, over the shipped
/// fact schema, has one rule per case; every combination of known and missing cells runs through
/// both paths, which must keep the same results and refuse the same subjects.
@Suite struct RuleProgramSemanticsTests {
  static let policy = """
    id: semantics
    title: 列程序语义测试
    document: {issuer: 测试, number: null, date: 2024-01-01, source: test}
    jurisdiction: "522732"
    effective: {from: 2020-01-01, until: null}
    parameters:
      subsidy:
        type: money
        clause: 一
        note: 测试金额
        values: {2020-01-01: 100}
      min_cost:
        type: money
        clause: 一
        note: 测试门槛
        values: {2020-01-01: 150}
    rules:
      - {id: or-with-unknowns, clause: 一, text: t, kind: payment, about: dispatch, payee: person, beneficiary: person,
         when: ["dispatch.transport_cost > 100 or dispatch.contract_months >= 6"], amount: param.subsidy}
      - {id: and-with-unknowns, clause: 一, text: t, kind: payment, about: dispatch, payee: person, beneficiary: person,
         when: ["dispatch.transport_cost >= param.min_cost and dispatch.contract_months < 12"], amount: param.subsidy}
      - {id: not-of-unknown, clause: 一, text: t, kind: payment, about: dispatch, payee: person, beneficiary: person,
         when: ["not (dispatch.end < 2024-06-01)"], amount: param.subsidy}
      - {id: null-tests, clause: 一, text: t, kind: payment, about: dispatch, payee: person, beneficiary: person,
         when: ["is_null(dispatch.end) or dispatch.organized"], amount: param.subsidy}
      - {id: missing-reference, clause: 一, text: t, kind: payment, about: dispatch, payee: person, beneficiary: person,
         when: ["organizer.kind == hr_service_agency", "dispatch.follow_up"], amount: param.subsidy}
      - {id: money-arithmetic, clause: 一, text: t, kind: payment, about: dispatch, payee: person, beneficiary: person,
         when: ["dispatch.transport_cost * 2 >= 300"], amount: param.subsidy}
      - {id: enum-and-bool, clause: 一, text: t, kind: payment, about: dispatch, payee: person, beneficiary: person,
         when: ["person.poverty_status == registered_poor or person.relocated", "dispatch.organized"],
         amount: {undetermined: 金额未定}}
      - {id: amount-with-unknowns, clause: 一, text: t, kind: payment, about: dispatch, payee: person, beneficiary: person,
         when: ["dispatch.organized"], amount: "min(dispatch.transport_cost * 2 - 100, param.min_cost)"}
      - {id: amount-divided, clause: 一, text: t, kind: payment, about: dispatch, payee: person, beneficiary: person,
         when: ["dispatch.follow_up"], amount: "dispatch.transport_cost / (dispatch.contract_months - 3)"}
    """

  /// Every combination of a few values, each with "missing" among them.
  static func facts() -> String {
    var lines = ["people:"]
    let statuses = ["registered_poor", "none"]
    for (i, status) in statuses.enumerated() {
      for relocated in [true, false] {
        lines.append("  - {id: P\(i)\(relocated ? 1 : 0), hukou: \"522732\", poverty_status: \(status), relocated: \(relocated)}")
      }
    }
    lines += ["organizations:", "  - {id: O1, kind: hr_service_agency, location: \"522732\"}", "  - {id: O2, kind: labor_cooperative, location: \"522732\"}"]
    lines.append("dispatches:")
    var n = 0
    for cost in ["", "50", "150", "200"] {
      for months in ["", "3", "12"] {
        for end in ["", "2024-03-01", "2024-09-01"] {
          for organizer in ["", "O1", "O2"] {
            for flags in 0..<4 {
              n += 1
              var cells = ["id: D\(n)", "person: P\(n % 2)\((n / 2) % 2)", "destination: \"350981\"", "start: 2024-01-15",
                           "organized: \(flags & 1 == 1)", "follow_up: \(flags & 2 == 2)"]
              if !cost.isEmpty { cells.append("transport_cost: \(cost)") }
              if !months.isEmpty { cells.append("contract_months: \(months)") }
              if !end.isEmpty { cells.append("end: \(end)") }
              if !organizer.isEmpty { cells.append("organizer: \(organizer)") }
              lines.append("  - {\(cells.joined(separator: ", "))}")
            }
          }
        }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  @Test func columnsAndRowsKeepAndRefuseTheSameSubjects() throws {
    let schema = try SourceFile(path: "facts.schema.yaml", text: String(contentsOfFile: Paths.policies + "/facts.schema.yaml", encoding: .utf8))
    let outcome = PolicySetLoader.check(schemas: [schema], policies: [SourceFile(path: "semantics.yaml", text: Self.policy)], label: "test")
    let set = try #require(outcome.set, "\(outcome.diagnostics.diagnostics.map(\.message))")
    var program = Program(set)
    // Every rule compiles to a column program: the filter is really in front of the row path here.
    #expect(program.columnProgramCoverage.compiled == program.columnProgramCoverage.rules)
    var d = DiagnosticBag()
    let facts = try #require(FactsLoader(schema: program.schema).load(SourceFile(path: "facts.yaml", text: Self.facts()), into: &d),
                             "\(d.diagnostics.map(\.message))")
    let asOf = try #require(CivilDate.parse("2025-06-30"))

    func run(columns: Bool) -> (results: [String], refused: [Int]) {
      program.usesColumnPrograms = columns
      var refused = [Int](repeating: 0, count: program.ruleCount)
      let results = program.evaluateRowRules(facts, asOf: asOf, refused: &refused)
      return (results.map { "\($0.rule) \($0.subject) \($0.status.rawValue) \($0.amount?.fenString ?? "-") \($0.undeterminedReason ?? "")" }, refused)
    }
    let rows = run(columns: false)
    let columns = run(columns: true)
    let onlyRows = rows.results.filter { !columns.results.contains($0) }, onlyColumns = columns.results.filter { !rows.results.contains($0) }
    #expect(onlyRows.isEmpty && onlyColumns.isEmpty, "kept by rows only: \(onlyRows.prefix(8)); by columns only: \(onlyColumns.prefix(8))")
    #expect(columns.results == rows.results, "same results, in another order")
    #expect(columns.refused == rows.refused)
    // The amounts the column programs compute (`RuleProgram.amount`) were known for some subjects, and
    // null (a missing cost), zero or negative (ineligible) and undetermined (a division by zero) for others.
    for (rule, outcome) in [("amount-with-unknowns", "payable 150.00"), ("amount-with-unknowns", "undetermined -"),
                            ("amount-divided", "payable 16.67"), ("amount-divided", "payable 5.56")] {
      #expect(columns.results.contains { $0.hasPrefix(rule + " ") && $0.contains(" " + outcome) }, "\(rule): no result \(outcome)")
    }
    let reasons = Set(columns.results.filter { $0.hasPrefix("amount-divided ") && $0.contains(" undetermined - ") }.map { $0.components(separatedBy: " - ").last ?? "" })
    #expect(reasons.count >= 2, "a missing fact and a division by zero give their own reasons: \(reasons)")
    // Each rule keeps some subjects and refuses others, so both sides of every case were exercised.
    for (i, name) in program.ruleNames.enumerated() {
      let kept = rows.results.filter { $0.hasPrefix(name.rule + " ") }.count
      #expect(kept > 0 && rows.refused[i] > 0, "\(name.rule): kept \(kept), refused \(rows.refused[i])")
    }
  }
}
