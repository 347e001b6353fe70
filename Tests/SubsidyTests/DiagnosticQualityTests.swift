import Foundation
import PolicyDSL
import PolicySupport
import Testing

/// What conformance cases cannot show: help texts, and diagnostics that must *not* follow the first.
@Suite struct DiagnosticQualityTests {
  @Test func transpositionIsOneEdit() {
    #expect(EditDistance.distance("hukuo", "hukou") == 1)
    #expect(EditDistance.distance("unti", "unit") == 1)
    #expect(EditDistance.suggestion(for: "hukuo", among: ["household", "hukou", "id_number"]) == "hukou")
    #expect(EditDistance.suggestion(for: "unti", among: ["type", "by", "unit", "clause", "note", "values"]) == "unit")
  }

  @Test func neverSuggestsTheNameItself() {
    #expect(EditDistance.suggestion(for: "scope", among: ["scope"]) == nil)
    #expect(EditDistance.suggestion(for: "scope", among: ["scope", "scopes"]) == "scopes")
  }

  private func parse(_ text: String) -> (Expr?, [Diagnostic]) {
    var d = DiagnosticBag()
    let e = ExprParser.parse(text, spanOf: { SourceSpan(file: "f", line: 1, column: 1 + $0, length: $1) }, into: &d)
    return (e, d.diagnostics)
  }

  @Test func misspeltDurationUnitGetsHelp() {
    let (_, d) = parse("dispatch.start + 3 monhts")
    #expect(d.first?.message == "unknown duration unit `monhts`")
    #expect(d.first?.help == "did you mean `months`?")
    #expect(d.first?.span?.start.column == 20)
  }

  @Test func badDatesInExpressionsAreInvalidDate() {
    for text in ["2023-02-30", "x < 2023-1-5"] {
      let (_, d) = parse(text)
      #expect(d.first?.code == "invalid-date", "\(text): \(d.map(\.message))")
    }
  }

  @Test func nestingLimit() {
    let ok = String(repeating: "(", count: 63) + "x" + String(repeating: ")", count: 63)
    #expect(parse(ok).1.isEmpty)
    let tooDeep = String(repeating: "(", count: 64) + "x" + String(repeating: ")", count: 64)
    #expect(parse(tooDeep).1.first?.message.contains("nested too deeply") == true)
    let chain = Array(repeating: "a", count: 64).joined(separator: " and ")
    #expect(parse(chain).0?.depth == 64)
    let longer = chain + " and a"
    #expect(parse(longer).1.first?.span?.start.column == chain.unicodeScalars.count + 2)
    let minus = String(repeating: "-", count: 5000) + "1"
    #expect(parse(minus).1.first?.code == "expression-syntax")
  }

  @Test(arguments: [
    ("unknown-subject", ["unknown-subject"]),
    ("group-missing-of", ["missing-key"]),
    ("unknown-parameter-type", ["unknown-type"]),
    ("table-by-unknown-enum", ["unknown-enum"]),
    ("schema-duplicate-field", ["duplicate-key"]),
    ("if-without-else", ["expression-syntax"]),
    ("long-and-chain-with-typo", ["expression-syntax"]),
    ("unknown-enum-value-in-facts", ["unknown-enum-value"]),
    ("rejected-person-named-by-dispatch", ["invalid-division-code"]),
  ])
  func oneMistakeGivesOneError(_ name: String, _ codes: [String]) throws {
    let c = ConformanceCase(name: name, folder: Paths.conformance.appendingPathComponent(name))
    let errors = try ConformanceTests().diagnose(c).filter { $0.severity == .error }
    #expect(errors.map(\.code.rawValue) == codes, "\(errors.map { "\($0.code): \($0.message)" })")
  }

  @Test func duplicateKeyNotesTheFirstOccurrence() throws {
    let c = ConformanceCase(name: "duplicate-key-in-rule", folder: Paths.conformance.appendingPathComponent("duplicate-key-in-rule"))
    let d = try #require(try ConformanceTests().diagnose(c).first { $0.code == "duplicate-key" })
    #expect(d.span?.start == SourcePosition(line: 10, column: 5))
    #expect(d.notes.first?.message == "first written here")
    #expect(d.notes.first?.span?.start == SourcePosition(line: 8, column: 5))
  }
}
