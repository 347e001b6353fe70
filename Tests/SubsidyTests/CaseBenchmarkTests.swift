import Foundation
import PolicyDSL
import PolicyEval
import PolicyValues
import PolicySupport
@testable import SubsidyKit
@testable import SubsidyReports
import Testing

/// `subsidy bench --case` answers a case as `POST /v1/eval` does: the same number of results and an
/// answer of the same size as the server's document, each phase timed.
@Suite struct CaseBenchmarkTests {
  @Test func aCaseIsAnsweredAsTheServerAnswersIt() throws {
    let file = Paths.root.appendingPathComponent("examples/yingjiang.yaml").path
    let r = try runCLI(["bench", "--case", file, "--times", "5", "--policies", Paths.policies])
    #expect(r.status == 0, "\(r.stderr)")
    // The server's document for the same case, as the route writes it (compact, masked).
    let program = ConditionTextsTests.program
    var d = DiagnosticBag()
    let text = try String(contentsOfFile: file, encoding: .utf8)
    let facts = try #require(FactsLoader(schema: program.schema).load(SourceFile(path: "request.yaml", text: text), asOf: nil, into: &d))
    let asOf = try #require(facts.asOf)
    let results = program.evaluate(facts, asOf: asOf)
    var document = Array(ResultWords.document(asOf: asOf, results: results, program: program, facts: facts,
                                              redactor: PIIRedactor(program: program), language: .zh).utf8)
    PIIMask.mask(&document)
    #expect(r.stdout.contains("(\(results.count) results, \(document.count) bytes), 5 runs"), "\(r.stdout)")
    for phase in ["facts loaded", "rules evaluated", "answer written", "total"] { #expect(r.stdout.contains(phase)) }
  }

  @Test func aFileThatIsNotACaseIsRefused() throws {
    let folder = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let bad = folder.appendingPathComponent("bad.yaml")
    try "persons: [\n".write(to: bad, atomically: true, encoding: .utf8)
    let r = try runCLI(["bench", "--case", bad.path, "--times", "1", "--policies", Paths.policies])
    #expect(r.status != 0)
    #expect(r.stderr.contains("bad.yaml:2:1"), "\(r.stderr)")  // the file, line and column, as `subsidy eval` says them
    let zero = try runCLI(["bench", "--case", bad.path, "--times", "0", "--policies", Paths.policies])
    #expect(zero.status != 0)
  }
}
