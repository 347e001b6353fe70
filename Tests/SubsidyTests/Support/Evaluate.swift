import Foundation
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
import Testing

/// The shipped policies, compiled once for all tests.
let shippedProgram: Program? = Subsidy.compile(Paths.policies).program

/// Evaluates YAML facts text against the shipped policies.
func evaluate(_ yaml: String, asOf: String) throws -> [EvalResult] {
  let program = try #require(shippedProgram, "shipped policies must check")
  var d = DiagnosticBag()
  let facts = FactsLoader(schema: program.schema).load(SourceFile(path: "case.yaml", text: yaml), into: &d)
  let loaded = try #require(facts, "facts must load: \(d.diagnostics.map(\.message))")
  let date = try #require(CivilDate.parse(asOf))
  return program.evaluate(loaded, asOf: date)
}

func result(_ results: [EvalResult], _ rule: String, _ subject: String) -> EvalResult? {
  results.first { $0.rule == rule && $0.subject == subject }
}
