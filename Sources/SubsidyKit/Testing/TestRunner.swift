import Foundation
import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues

/// Runs YAML test cases against the compiled policies and measures coverage by rule and condition.
public struct TestRunner {
  /// The report's types, by the names callers know; they live in SubsidyReports, beside their JSON.
  public typealias Report = TestReport
  public typealias Failure = TestReport.Failure
  public typealias RuleCoverage = TestReport.RuleCoverage

  public let program: Program

  public init(program: Program) { self.program = program }

  /// Runs every `*.yaml` in `directory` (default: `policies/tests`).
  public func run(directory: String) -> Report {
    var d = DiagnosticBag()
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    if files.isEmpty {
      d.add(.error("no-tests", "no test files (`*.yaml`) in `\(directory)`", zh: "`\(directory)` 中没有测试文件（`*.yaml`）", at: nil))
    }
    let sources = files.compactMap { SourceReader.read((directory as NSString).appendingPathComponent($0), into: &d) }
    return run(sources: sources, diagnostics: d)
  }

  /// Runs test files already read (from disk, or sent to the server's `POST /v1/test` with a draft
  /// policy): the one runner after reading. `diagnostics` holds what reading them found.
  public func run(sources: [SourceFile], diagnostics: DiagnosticBag = DiagnosticBag()) -> Report {
    var report = Report()
    report.diagnostics = diagnostics
    var coverage: [String: RuleCoverage] = [:]
    for policy in program.checkedPolicies {
      for rule in policy.rules {
        coverage[policy.id + "/" + rule.id] = RuleCoverage(
          policy: policy.id, rule: rule.id, clause: rule.syntax.clause.value,
          conditions: rule.syntax.conditions.map { ($0.text, false, false) })
      }
    }
    var tested = Set<String>()
    for source in sources {
      report.sources.append(source)
      guard let file = TestFile.parse(source, into: &report.diagnostics) else { continue }
      guard program.policyIDs.contains(file.policy.value) else {
        report.diagnostics.add(.error("unknown-policy", "no policy `\(file.policy.value)`", zh: "没有政策 `\(file.policy.value)`", at: file.policy.span,
                                      help: EditDistance.didYouMean(file.policy.value, among: program.policyIDs),
                                      helpZh: EditDistance.didYouMeanZh(file.policy.value, among: program.policyIDs)))
        continue
      }
      tested.insert(file.policy.value)
      for testCase in file.cases { run(testCase, file: file, report: &report, coverage: &coverage) }
    }
    report.coverage = program.checkedPolicies.flatMap { p in p.rules.compactMap { coverage[p.id + "/" + $0.id] } }
    report.untestedPolicies = program.policyIDs.filter { !tested.contains($0) }
    return report
  }

  private func run(_ testCase: TestFile.Case, file: TestFile, report: inout Report, coverage: inout [String: RuleCoverage]) {
    var d = DiagnosticBag()
    guard let facts = FactsLoader(schema: program.schema).load(testCase.facts, into: &d) else {
      report.diagnostics.add(contentsOf: d.diagnostics)
      report.failed.append(Failure(file: file.path, caseName: testCase.name, span: testCase.span, message: "the case's facts do not load", explanation: []))
      return
    }
    guard let asOf = testCase.asOf ?? facts.asOf else {
      report.failed.append(Failure(file: file.path, caseName: testCase.name, span: testCase.span, message: "the case has no `as_of`", explanation: []))
      return
    }
    let results = program.evaluate(facts, asOf: asOf).filter { $0.policy == file.policy.value }
    for result in results {
      let key = result.policy + "/" + result.rule
      coverage[key]?.results += 1
      coverage[key]?.statuses.insert(result.status.rawValue)
      guard var entry = coverage[key] else { continue }
      // Condition lines follow the vesting and period lines; match them by text.
      for (i, condition) in entry.conditions.enumerated() {
        guard let check = result.explanation.first(where: { $0.check == condition.text }) else { continue }
        if check.holds { entry.conditions[i].held = true } else { entry.conditions[i].failed = true }
      }
      coverage[key] = entry
    }
    var problems: [(String, [Check], SourceSpan)] = []
    for expectation in testCase.expect {
      coverage[file.policy.value + "/" + expectation.rule.value]?.expected += 1
      if coverage[file.policy.value + "/" + expectation.rule.value] == nil {
        let rules = program.checkedPolicies.first { $0.id == file.policy.value }?.rules.map(\.id) ?? []
        let help = EditDistance.didYouMean(expectation.rule.value, among: rules).map { " (\($0))" } ?? ""
        problems.append(("no rule `\(expectation.rule.value)` in `\(file.policy.value)`\(help)", [], expectation.rule.span))
        continue
      }
      let matching = results.filter { r in r.rule == expectation.rule.value && (expectation.subject.map { r.subject == $0 } ?? true) }
      let what = "`\(expectation.rule.value)`" + (expectation.subject.map { " for `\($0)`" } ?? "")
      if expectation.absent {
        if let found = matching.first {
          problems.append(("expected no result for \(what), got one (\(found.status.rawValue))", found.explanation, expectation.span))
        }
        continue
      }
      guard !matching.isEmpty else {
        problems.append(("expected a result for \(what), got none (is the subject in the policy's jurisdiction?)", [], expectation.span))
        continue
      }
      // With several results (no subject given), the expectation must match one of them.
      var best: [String] = []
      var bestResult = matching[0]
      for (n, result) in matching.enumerated() {
        let mismatches = compare(expectation, result)
        if mismatches.isEmpty { best = []; break }
        if n == 0 || mismatches.count < best.count { best = mismatches; bestResult = result }
      }
      if !best.isEmpty {
        problems.append(("\(what): " + best.joined(separator: "; "), bestResult.explanation, expectation.span))
      }
    }
    if problems.isEmpty {
      report.passed += 1
    } else {
      for (message, explanation, span) in problems {
        report.failed.append(Failure(file: file.path, caseName: testCase.name, span: span, message: message, explanation: explanation))
      }
    }
  }

  /// "status: expected payable, got ineligible" for each field that differs.
  func compare(_ e: TestFile.Expectation, _ r: EvalResult) -> [String] {
    var out: [String] = []
    for (name, expected) in e.fields {
      let actual: String?
      switch name {
      case "status": actual = r.status.rawValue
      case "amount": actual = r.amount?.fenString
      case "payee": actual = r.payee
      case "beneficiary": actual = r.beneficiary
      case "eligible_from": actual = r.eligibleFrom?.description
      case "expires": actual = r.expires?.description
      case "due": actual = r.due?.description
      case "missing_evidence": actual = r.missingEvidence.joined(separator: ";")
      case "funding": actual = r.funding
      case "clause": actual = r.clause
      default: actual = r.kind.rawValue
      }
      var want = expected?.value
      if name == "amount", let w = want, let n = Fixed.parse(w) { want = n.fenString }
      if name == "missing_evidence", want == nil { want = "" }
      if want != actual {
        out.append("\(name): expected \(want.map { "`\($0)`" } ?? "null"), got \(actual.map { "`\($0)`" } ?? "null")")
      }
    }
    return out
  }
}
