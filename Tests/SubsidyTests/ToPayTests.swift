import Foundation
import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
import Testing

/// "What would make it payable": for every result of the officers' test cases that is not payable, the
/// suggested changes are applied to the facts and the case evaluated again, and it must then be payable.
/// Where no change of facts can help, the answer must say why (a fixed fact, the law's silence…).
@Suite struct ToPayTests {
  @Test func applyingTheSuggestedChangesMakesEveryShippedRulePayable() throws {
    let program = try #require(shippedProgram)
    var verified = Set<String>(), explained = Set<String>(), answered = Set<String>(), unverified: [String] = []
    let dir = URL(fileURLWithPath: Paths.policies).appendingPathComponent("tests")
    for file in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where file.hasSuffix(".yaml") {
      var d = DiagnosticBag()
      let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
      let tests = try #require(TestFile.parse(SourceFile(path: file, text: text), into: &d))
      for testCase in tests.cases {
        guard let facts = FactsLoader(schema: program.schema).load(testCase.facts, into: &d), let asOf = testCase.asOf else { continue }
        for r in program.evaluate(facts, asOf: asOf) {
          guard let toPay = program.toPay(r, facts: facts, asOf: asOf), !toPay.steps.isEmpty else { continue }
          let name = "\(r.policy)/\(r.rule)"
          answered.insert(name)
          guard toPay.possible else {
            explained.insert(name)
            continue
          }
          guard let (changed, date) = toPay.applied(to: facts, schema: program.schema, asOf: asOf) else { continue }
          let again = program.evaluate(changed, asOf: date).first { $0.rule == r.rule && $0.policy == r.policy && $0.subject == r.subject }
          if again?.status == .payable {
            verified.insert(name)
          } else {
            unverified.append("\(file) «\(testCase.name)» \(name) \(r.subject): \(r.status.rawValue) → \(again?.status.rawValue ?? "no result")")
          }
        }
      }
    }
    #expect(unverified.isEmpty, "suggestions that did not make the result payable:\n\(unverified.joined(separator: "\n"))")
    // Every rule that pays is either shown payable after the suggested changes, or (a clause that states no
    // amount) explained as impossible.
    for policy in program.checkedPolicies {
      for rule in policy.rules where rule.kind.paysOut {
        let name = "\(policy.id)/\(rule.id)"
        let silent: Bool = if case .undetermined? = rule.amount { true } else { false }
        if rule.group != nil {
          // A group's answer is a count to reach (more workers organised), not a fact to correct.
          #expect(answered.contains(name), "\(name): no test case gives an answer")
        } else if silent {
          #expect(explained.contains(name) || verified.contains(name), "\(name): no test case gives an answer")
        } else {
          #expect(verified.contains(name), "\(name): no test case was made payable by its suggested changes")
        }
      }
    }
  }

  @Test func theAnswerNamesFixedFactsAndTheLawsSilenceInsteadOfSuggestingThem() throws {
    let program = try #require(shippedProgram)
    var d = DiagnosticBag()
    let facts = try #require(FactsLoader(schema: program.schema).load(SourceFile(path: "f.yaml", text: """
      people: [{id: P1, hukou: "533123", poverty_status: none}, {id: P2, hukou: "533123", poverty_status: alleviated}]
      organizations: [{id: O1, kind: public_employment_service, location: "533123"}]
      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "530102", organized: true, follow_up: true, start: 2024-01-05}
        - {id: D2, person: P2, organizer: O1, destination: "530102", organized: true, follow_up: true, start: 2024-01-05}
      """), into: &d))
    let asOf = try #require(CivilDate.parse("2024-06-30"))
    let results = program.evaluate(facts, asOf: asOf)
    // P1 is not 脱贫人口: a fixed fact, never a suggestion.
    let d1 = try #require(results.first { $0.rule == "hu-dian-service-subsidy" && $0.subject == "D1" })
    let p1 = try #require(program.toPay(d1, facts: facts, asOf: asOf))
    #expect(!p1.possible)
    #expect(p1.steps.contains { if case .cannot(.fixedFact(_, "P1", "poverty_status", _, _)) = $0 { true } else { false } })
    // D2 goes to 昆明 (省内州外): the clause has no amount for it.
    let d2 = try #require(results.first { $0.rule == "hu-dian-service-subsidy" && $0.subject == "D2" })
    #expect(d2.status == .undetermined)
    let p2 = try #require(program.toPay(d2, facts: facts, asOf: asOf))
    #expect(p2.steps.contains { if case .cannot(.lawSilent) = $0 { true } else { false } })
  }

  @Test func theReportAndTheJSONSayIt() throws {
    let text = try runCLI(["eval", "examples/yingjiang.yaml", "--why-not"])
    #expect(text.stdout.contains("→ 如何可发放：\n        · 补交：外出务工收入证明"), "\(text.stdout)")
    #expect(text.stdout.contains("是按法规认定的事实"))
    let json = try runCLI(["eval", "examples/yingjiang.yaml", "--format", "json"])
    #expect(json.stdout.contains("\"to_pay\""))
    #expect(json.stdout.contains("\"provide\""))
  }
}
