import Foundation
import PolicySupport
import PolicyValues

/// The outcome of the officers' test cases as data: what `subsidy test --format json` prints and what
/// the server's `POST /v1/test` answers, built here once so the two cannot drift. The fields follow
/// what `subsidy test` prints: each failure with its place and explanation, the counts of cases, the
/// test files' diagnostics (as `check --format json` writes them) and the coverage by rule.
extension TestReport {
  /// Cases with at least one failed expectation (a case fails once, however many of its expectations do).
  public var failedCases: Int { Set(failed.map { $0.file + "#" + $0.caseName }).count }

  /// No case failed and no test file had an error: what exit status 0 of `subsidy test` means.
  public var ok: Bool { failedCases == 0 && !diagnostics.hasErrors }

  /// The document. Values read from the facts are masked as in every other output (`PIIMask`).
  public var json: JSON {
    let conditions = coverage.flatMap(\.conditions)
    let mask = PIIMask.mask as (String) -> String
    return .object([
      ("ok", .bool(ok)),
      ("passed", .number(String(passed))), ("failed", .number(String(failedCases))),
      ("failures", .array(failed.map { f in
        .object([
          ("file", .string(f.file)), ("case", .string(mask(f.caseName))),
          ("line", .number(String(f.span.start.line))), ("column", .number(String(f.span.start.column))),
          ("message", .string(mask(f.message))),
          ("explanation", .array(f.explanation.map {
            .object([("check", .string(mask($0.check))), ("value", .string(mask($0.value))), ("holds", .bool($0.holds))])
          })),
        ])
      })),
      ("diagnostics", .raw(DiagnosticRenderer(format: .json).render(diagnostics.sorted).trimmingCharacters(in: .whitespacesAndNewlines))),
      ("coverage", .object([
        ("rules_tested", .number(String(coverage.filter { $0.expected > 0 }.count))), ("rules", .number(String(coverage.count))),
        ("conditions_both_ways", .number(String(conditions.filter { $0.held && $0.failed }.count))),
        ("conditions", .number(String(conditions.count))),
        ("by_rule", .array(coverage.map { rule in
          .object([
            ("policy", .string(rule.policy)), ("rule", .string(rule.rule)), ("clause", .string(rule.clause)),
            ("expected", .number(String(rule.expected))), ("results", .number(String(rule.results))),
            ("statuses", .array(rule.statuses.sorted().map(JSON.string))),
            ("conditions", .array(rule.conditions.map {
              .object([("text", .string($0.text)), ("held", .bool($0.held)), ("failed", .bool($0.failed))])
            })),
          ])
        })),
      ])),
      ("untested_policies", .array(untestedPolicies.map(JSON.string))),
    ])
  }
}
