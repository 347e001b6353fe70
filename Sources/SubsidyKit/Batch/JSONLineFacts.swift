import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues

/// One line of a JSON Lines batch: a whole facts document (people, dispatches…) in the contract's shape.
enum JSONLineFacts {
  /// The facts of the line, or a reject naming the first problem with its column.
  /// `loader` is the chunk's (made once for its lines: a loader makes the decoder and every field's spec).
  static func load(_ line: JSONLine, file: String, schema: FactSchema, loader: FactsLoader? = nil, asOf: CivilDate? = nil) -> Result<Facts, Reject> {
    guard let text = line.text else {
      let problem = line.problem
      let byte = problem.map { " 0x" + String($0.byte, radix: 16, uppercase: true) } ?? ""
      return .failure(Reject(line: line.line, column: "column \(problem?.column ?? 1)", value: "",
                             reason: LocalizedText("is not UTF-8:\(byte.isEmpty ? " a byte" : " byte" + byte) is not valid (\(UTF8Check.saveAsUTF8Hint(gbk: false)))",
                                                   zh: "不是 UTF-8：字节\(byte) 无效；\(UTF8Check.saveAsUTF8HintZh(gbk: false))")))
    }
    var d = DiagnosticBag(limit: 5)
    let source = SourceFile(path: file, text: text)
    if let problem = StrictJSON.problem(in: text) {
      return .failure(Reject(line: line.line, column: "column \(problem.column)", value: "", reason: LocalizedText("not JSON: \(problem.message)", zh: "不是 JSON：\(problem.messageZh)")))
    }
    guard let facts = (loader ?? FactsLoader(schema: schema)).load(source, asOf: asOf, into: &d) else {
      let first = d.sorted.first
      return .failure(Reject(line: line.line, column: "column \(first?.span?.start.column ?? 1)", value: "",
                             reason: first.map { LocalizedText($0.message, zh: $0.message(in: .zh)) } ?? LocalizedText("the line is not a facts document", zh: "这一行不是事实文档")))
    }
    if let bad = TextHygiene.firstControlCharacter(in: facts, schema: schema) {
      return .failure(Reject(line: line.line, column: "column \(bad.column ?? 1)", value: ControlCharacters.escapedForTerminal(bad.value),
                             reason: TextHygiene.reason(bad.scalar).map { "`\(bad.field)` " + $0 }))
    }
    return .success(facts)
  }
}
