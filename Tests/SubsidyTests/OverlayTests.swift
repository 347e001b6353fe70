import Foundation
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
import Testing

/// Overlays: a county's implementing rule or a drafted amendment, written as differences from a base.
@Suite struct OverlayTests {
  private func compileWithOverlay(_ yaml: String) throws -> (Program?, CheckOutcome) {
    let dir = Paths.temporaryDirectory()
    let file = dir.appendingPathComponent("overlay.yaml")
    try yaml.write(to: file, atomically: true, encoding: .utf8)
    return Subsidy.compile([Paths.policies, file.path])
  }

  @Test func shippedVariantsCheckAgainstTheirBases() {
    let outcome = PolicySetLoader.check([Paths.policies, Paths.examples + "/variants"])
    #expect(!outcome.hasErrors, "\(outcome.diagnostics.diagnostics.filter { $0.severity == .error }.map(\.message))")
    #expect(outcome.policyFiles.map(\.id.value).contains("yingjiang-2026-draft"))
    #expect(outcome.policyFiles.map(\.id.value).contains("jishou"))
  }

  @Test func overridingAParameterAddsADatedValueAndKeepsTheOldOne() throws {
    let (program, _) = try compileWithOverlay("""
      id: yingjiang-150
      extends: yingjiang
      parameters:
        service_subsidy:
          values: {2026-01-01: 150}
      rules:
        - id: employment-service-subsidy
          vesting: {stable_employment: 3 months, until: 2027-12-31}
      """)
    let p = try #require(program)
    var d = DiagnosticBag()
    let facts = try #require(FactsLoader(schema: p.schema).load(SourceFile(path: "f.yaml", text: """
      people: [{id: P1, hukou: "533123", poverty_status: alleviated}]
      organizations: [{id: O1, kind: hr_service_agency, location: "533123"}]
      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2023-09-15, evidence: [organized_export_roster, income_proof]}
        - {id: D2, person: P1, organizer: O1, destination: "350981", organized: true, start: 2026-03-01, evidence: [organized_export_roster, income_proof]}
      """), into: &d))
    let asOf = try #require(CivilDate.parse("2027-06-30"))
    let results = p.evaluate(facts, asOf: asOf).filter { $0.rule == "employment-service-subsidy" }
    // 2023 placement: the overlay pays 100 (the old dated value stays in force).
    #expect(results.first { $0.policy == "yingjiang-150" && $0.subject == "D1" }?.amount?.fenString == "100.00")
    // Loaded beside it, the overlay supersedes its base in its area: the base gives no result at all.
    #expect(!results.contains { $0.policy == "yingjiang" })
    // 2026 placement: the overlay pays 150.
    #expect(results.first { $0.policy == "yingjiang-150" && $0.subject == "D2" }?.amount?.fenString == "150.00")
  }

  @Test func addingARuleAndRemovingOne() throws {
    let (program, outcome) = try compileWithOverlay("""
      id: yingjiang-lite
      extends: yingjiang
      rules:
        - id: hu-dian-service-subsidy
          remove: true
        - id: extra-bonus
          clause: 补充
          text: 示例条款
          about: dispatch
          payee: organizer
          when: [dispatch.organized]
          amount: 10
      """)
    let rules = try #require(program).checkedPolicies.first { $0.id == "yingjiang-lite" }?.rules.map(\.id) ?? []
    #expect(rules.contains("extra-bonus"))
    #expect(!rules.contains("hu-dian-service-subsidy"))
    #expect(!outcome.hasErrors)
  }

  @Test func overridingWhatTheBaseLacksIsAnErrorWithASuggestion() throws {
    let (program, outcome) = try compileWithOverlay("""
      id: yingjiang-typo
      extends: yingjiang
      parameters:
        service_subsidi:
          values: {2026-01-01: 150}
      rules:
        - id: employment-servce-subsidy
          amount: 150
      """)
    #expect(program == nil)
    let errors = outcome.diagnostics.diagnostics.filter { $0.code.rawValue == "unknown-override" }
    #expect(errors.count == 2)
    #expect(errors.contains { $0.help == "did you mean `service_subsidy`?" && $0.span?.start.line == 4 })
    #expect(errors.contains { $0.help == "did you mean `employment-service-subsidy`?" && $0.span?.start.line == 7 })
  }

  @Test func anUnknownBaseIsNamed() throws {
    let (_, outcome) = try compileWithOverlay("id: x\nextends: yinjiang\nrules: []\n")
    #expect(outcome.diagnostics.diagnostics.contains { $0.code.rawValue == "unknown-base" && $0.help == "did you mean `yingjiang`?" })
  }

  /// An overlay loaded beside its base supersedes it where it applies: a one-time clause is paid once,
  /// by the overlay, in the overlay's area, and by the base elsewhere (issue: 200 + 200 were committed).
  @Test func anOverlayBesideItsBaseSupersedesItInItsArea() throws {
    let (compiled, outcome) = Subsidy.compile([Paths.policies, Paths.examples + "/variants"])
    let program = try #require(compiled, "\(outcome.diagnostics.diagnostics.map(\.message))")
    var d = DiagnosticBag()
    let facts = try #require(FactsLoader(schema: program.schema).load(SourceFile(path: "f.yaml", text: """
      people:
        - {id: JS, hukou: "433101", poverty_status: registered_poor}
        - {id: LS, hukou: "433130", poverty_status: registered_poor}
      dispatches:
        - {id: D1, person: JS, destination: "440305", contract: true, transport_cost: 380, start: 2017-06-01, evidence: [labor_contract, transport_receipts]}
        - {id: D2, person: LS, destination: "440305", contract: true, transport_cost: 380, start: 2017-06-01, evidence: [labor_contract, transport_receipts]}
      """), into: &d))
    let results = program.evaluate(facts, asOf: try #require(CivilDate.parse("2017-12-31")))
    let transport = results.filter { $0.rule == "transport-subsidy" && $0.status == .payable }
    // 吉首 (433101): jishou alone pays; 龙山 (433130), outside jishou: xiangxi pays.
    #expect(transport.filter { $0.subject == "D1" }.map(\.policy) == ["jishou"])
    #expect(transport.filter { $0.subject == "D2" }.map(\.policy) == ["xiangxi"])
    let overlayResult = try #require(transport.first { $0.subject == "D1" })
    #expect(overlayResult.explanation.contains { $0.check.contains("supersedes") && $0.check.contains("xiangxi") })
    // The same for an amendment with the base's own area: only the draft pays.
    let yj = try #require(FactsLoader(schema: program.schema).load(SourceFile(path: "g.yaml", text: """
      people: [{id: P1, hukou: "533123", poverty_status: alleviated}]
      organizations: [{id: O1, kind: hr_service_agency, location: "533123"}]
      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2024-03-01, evidence: [organized_export_roster, income_proof]}
      """), into: &d))
    let service = program.evaluate(yj, asOf: try #require(CivilDate.parse("2024-12-31"))).filter { $0.rule == "employment-service-subsidy" }
    #expect(service.map(\.policy) == ["yingjiang-2026-draft"])
  }

  @Test func batchCommitsAOneTimeClauseOnceWithAnOverlayLoaded() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let header = BatchFixtures.columns.joined(separator: ",")
    var row = Dictionary(uniqueKeysWithValues: BatchFixtures.columns.map { ($0, "") })
    row["dispatch_id"] = "D1"; row["person_id"] = "JS"; row["person_hukou"] = "433101"; row["person_poverty_status"] = "registered_poor"
    row["destination"] = "440305"; row["organized"] = "true"; row["start"] = "2017-06-01"; row["contract"] = "true"
    row["transport_cost"] = "200.00"; row["evidence"] = "labor_contract;transport_receipts"
    let csv = header + "\n" + BatchFixtures.columns.map { row[$0] ?? "" }.joined(separator: ",") + "\n"
    let file = try write(csv, to: dir, "one.csv")
    let ledger = dir.appendingPathComponent("ledger.sqlite").path
    let run = try runBatch(file, asOf: "2017-12-31", ["--policies", "policies", "--policies", "examples/variants", "--commit", "--ledger", ledger], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let paid = run.payouts.filter { $0["rule"] == "transport-subsidy" && $0["status"] == "payable" }
    #expect(paid.map { $0["policy"] ?? "" } == ["jishou"], "\(run.payoutsText)")
    #expect(run.ledgerCounts.committed == 1, "\(run.stdout)")
  }
}

