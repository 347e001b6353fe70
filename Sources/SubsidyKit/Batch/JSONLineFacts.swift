import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues

/// One line of a JSON Lines batch: a whole facts document (people, dispatches…) in the contract's shape.
enum JSONLineFacts {
  /// The facts of the line, or a reject naming the first problem with its column.
  static func load(_ text: String, line: Int, file: String, schema: FactSchema, asOf: CivilDate? = nil) -> Result<Facts, Reject> {
    var d = DiagnosticBag(limit: 5)
    let source = SourceFile(path: file, text: text)
    if let problem = StrictJSON.problem(in: text) {
      return .failure(Reject(line: line, column: "column \(problem.column)", value: "", reason: "not JSON: \(problem.message)"))
    }
    if let facts = FactsLoader(schema: schema).load(source, asOf: asOf, into: &d) { return .success(facts) }
    let first = d.sorted.first
    return .failure(Reject(line: line, column: "column \(first?.span?.start.column ?? 1)", value: "",
                           reason: first?.message ?? "the line is not a facts document"))
  }
}
