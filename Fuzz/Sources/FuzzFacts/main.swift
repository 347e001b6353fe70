import Foundation
import FuzzSupport
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit

/// The shipped policies, checked and compiled once.
let program: Program = {
  let (program, outcome) = Subsidy.compile(Repository.policies)
  guard let program else { Repository.setupFailed("the shipped policies do not check: \(outcome.diagnostics.diagnostics.map(\.message))") }
  return program
}()

let fallbackDate = CivilDate.parse("2025-06-30")!

/// A facts file's bytes as `subsidy eval` loads them: decoded, read as YAML (or strict JSON when it
/// looks like JSON, as a `.json` file is), every field through the field decoder and the schema's
/// bounds and checks. A file that fails gives its diagnostics with quoted (masked) lines; one that
/// loads is evaluated and reported as text and as JSON, with ID numbers masked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFacts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Repository.bytes(data, size)
  let json = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) } == UInt8(ascii: "{")
  let path = json ? "fuzz.json" : "fuzz.yaml"
  var d = DiagnosticBag()
  guard let source = SourceReader.decode(Data(bytes), path: path, into: &d) else { return 0 }
  let loader = FactsLoader(schema: program.schema)
  guard let facts = loader.load(source, into: &d) else {
    let text = DiagnosticRenderer(format: .human, sources: [Subsidy.quotable(source, program: program)]).render(d.sorted)
    _ = PIIMask.mask(text)
    return 0
  }
  let asOf = facts.asOf ?? fallbackDate
  let results = program.evaluate(facts, asOf: asOf)
  let redactor = PIIRedactor(program: program)
  // The contract's JSON (with "what would make it payable") and the server's answer with its words.
  _ = ResultJSON.document(asOf: asOf, results: results.map(redactor.result), program: program, facts: facts)
  _ = ResultWords.document(asOf: asOf, results: results, program: program, facts: facts, redactor: redactor, language: .zh)
  _ = TextReport(program: program, facts: facts, language: .zh).render(asOf: asOf, results: results)
  return 0
}

Repository.fuzz(fuzzFacts)
