import ArgumentParser
import PolicyEval
import SubsidyKit

/// `subsidy test [DIR]`: run the YAML cases in DIR/tests and report failures and coverage.
struct Test: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the policies' YAML test cases; show each failure with its explanation, and coverage by rule and condition.")

  @Argument(help: "Policy directories (the first holds `tests/`).")
  var policies: [String] = ["policies"]

  @Option(help: "The folder of test files (default: DIR/tests).")
  var tests: String?

  @Flag(help: "Print coverage for every rule, not only the gaps.")
  var coverage = false

  @Flag(help: "Fail when a rule has no expectation or a condition was not seen both holding and failing.")
  var requireCoverage = false

  @Option(help: "Language of the diagnostics: zh (default) or en.")
  var lang: TextReport.Language = .zh

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  @Option(help: "Output: text (default) or json (the document `subsidy serve` answers `POST /v1/test` with).")
  var format: Format = .text

  func run() throws {
    let (program, outcome) = Subsidy.compile(policies)
    guard let program else {
      Terminal.report(outcome.diagnostics.sorted, sources: outcome.sources, language: lang.diagnostics)
      throw ExitCode.checkErrors
    }
    let report = TestRunner(program: program).run(directory: tests ?? (policies.first ?? "policies") + "/tests")
    if format == .json {
      Terminal.out(report.json.serialized() + "\n")
      if !report.ok { throw ExitCode.testFailures }
      if requireCoverage, printCoverage(report, quiet: true) > 0 { throw ExitCode.testFailures }
      return
    }
    Terminal.report(report.diagnostics.sorted, sources: report.sources, language: lang.diagnostics)
    for failure in report.failed {
      var text = "FAIL \(failure.span) \(failure.caseName)\n  \(failure.message)\n"
      if !failure.explanation.isEmpty {
        text += "  explanation:\n" + failure.explanation.map { "    \($0.holds ? "✔" : "✘") \($0.check)  — saw \($0.value)\n" }.joined()
      }
      Terminal.text(text)
    }
    let gaps = printCoverage(report)
    Terminal.out("\(report.passed) passed, \(report.failedCases) failed\n")
    if !report.ok { throw ExitCode.testFailures }
    if requireCoverage, gaps > 0 { throw ExitCode.testFailures }
  }

  /// Prints coverage and returns the number of gaps.
  private func printCoverage(_ report: TestRunner.Report, quiet: Bool = false) -> Int {
    var gaps = 0
    var lines: [String] = []
    let conditions = report.coverage.flatMap(\.conditions)
    let bothWays = conditions.filter { $0.held && $0.failed }.count
    let rulesWithExpectations = report.coverage.filter { $0.expected > 0 }.count
    for rule in report.coverage {
      var notes: [String] = []
      if rule.expected == 0 { notes.append("no test expects a result of this rule") }
      for c in rule.conditions where !(c.held && c.failed) {
        notes.append("condition `\(c.text)` was never seen \(c.held ? "failing" : c.failed ? "holding" : "holding or failing")")
      }
      gaps += notes.isEmpty ? 0 : 1
      if coverage || !notes.isEmpty {
        let statuses = rule.statuses.sorted().joined(separator: ", ")
        lines.append("  \(rule.policy) \(rule.clause) \(rule.rule): \(rule.expected) expectations, \(rule.results) results [\(statuses)]")
        lines += notes.map { "    - \($0)" }
      }
    }
    for policy in report.untestedPolicies { lines.append("  policy `\(policy)` has no test file: none of its clauses is tested") }
    if quiet { return gaps + report.untestedPolicies.count }
    Terminal.out("coverage: \(rulesWithExpectations)/\(report.coverage.count) rules tested; \(bothWays)/\(conditions.count) conditions seen both holding and failing\n")
    if !lines.isEmpty { Terminal.text(lines.joined(separator: "\n") + "\n") }
    return gaps + report.untestedPolicies.count
  }
}
