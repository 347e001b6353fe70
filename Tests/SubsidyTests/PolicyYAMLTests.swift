import SubsidyKit
import Testing

/// The policy officers' own YAML cases (policies/tests) run inside `swift test` too.
@Suite struct PolicyYAMLTests {
  @Test func shippedPoliciesCheckWithoutErrors() {
    let outcome = PolicySetLoader.check(Paths.policies)
    #expect(!outcome.hasErrors, "\(outcome.diagnostics.diagnostics.filter { $0.severity == .error }.map { "\($0.span?.description ?? ""): \($0.message)" })")
    #expect(outcome.policyFiles.count == 5)
    // The Yingjiang 七（二） gap is a real gap in the document and must be reported.
    #expect(outcome.diagnostics.diagnostics.contains { $0.code.rawValue == "table-gap" && $0.message.contains("in_province") })
    // 湘西 第二十条 has no 县内 row, but its rule excludes in_county by condition: not a gap.
    let gaps = outcome.diagnostics.diagnostics.filter { $0.code.rawValue == "table-gap" }
    #expect(gaps.count == 1, "\(gaps.map(\.message))")
  }

  @Test func officersCasesPassAndCoverEveryRule() throws {
    let program = try #require(shippedProgram)
    let report = TestRunner(program: program).run(directory: Paths.policies + "/tests")
    #expect(report.failed.isEmpty, "\(report.failed.map { "\($0.caseName): \($0.message)" })")
    #expect(report.passed > 100)
    #expect(report.untestedPolicies.isEmpty)
    #expect(report.coverage.allSatisfy { $0.expected > 0 }, "untested rules: \(report.coverage.filter { $0.expected == 0 }.map(\.rule))")
  }
}
