import PolicyDSL
import PolicySupport
import Testing

@Suite struct ExpressionParserTests {
  private func parse(_ text: String) -> (Expr?, [Diagnostic]) {
    var d = DiagnosticBag()
    let e = ExprParser.parse(text, spanOf: { SourceSpan(file: "f", line: 1, column: 10 + $0, length: $1) }, into: &d)
    return (e, d.diagnostics)
  }

  @Test func precedenceAndSpans() throws {
    let (e, d) = parse("a.b == x and not c or d")
    #expect(d.isEmpty)
    let expr = try #require(e)
    guard case .binary(.or, let left, _) = expr.kind, case .binary(.and, let eq, _) = left.kind else {
      Issue.record("wrong tree: \(expr.kind)")
      return
    }
    #expect(eq.text == "a.b == x")
    #expect(eq.span.start.column == 10)
  }

  @Test func durationsDatesAndCalls() throws {
    let (e, d) = parse("min(dispatch.start + 3 months, 2025-12-31)")
    #expect(d.isEmpty)
    guard case .call("min", let args)? = e?.kind, args.count == 2,
      case .binary(.plus, _, let duration) = args[0].kind, case .duration(3, .months) = duration.kind,
      case .date(let date) = args[1].kind
    else {
      Issue.record("wrong tree")
      return
    }
    #expect(date.description == "2025-12-31")
  }

  @Test(arguments: [
    ("a = b", "unexpected `=`", 12),
    ("(a and b", "expected `)`", 18),
    ("a and", "expression ends too early", 15),
    ("a （ b", "full-width", 12),
    ("2023-02-30", "is not a date", 10),
  ])
  func syntaxErrorsPointAtTheToken(_ text: String, _ message: String, _ column: Int) {
    let (_, d) = parse(text)
    #expect(d.first?.message.contains(message) == true, "got \(d.map(\.message))")
    #expect(d.first?.span?.start.column == column)
  }
}
