import Foundation
import FuzzSupport
import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicySupport
import SubsidyKit

/// The shipped fact schema, read once: every input is one policy file checked against it.
let schemaSources: [SourceFile] = {
  var d = DiagnosticBag()
  let path = Repository.policies + "/facts.schema.yaml"
  guard let source = SourceReader.read(path, into: &d) else {
    Repository.setupFailed("cannot read \(path): \(d.diagnostics.map(\.message))")
  }
  return [source]
}()

/// A policy file's bytes through what `subsidy check` does after finding the file: decode, YAML,
/// overlays, parse, resolve, type-check, analyse; then the diagnostics as `check` prints them
/// (human and JSON), and a policy that checks is compiled as `eval` and `batch` do.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  var d = DiagnosticBag()
  let sources = SourceReader.decode(Data(Repository.bytes(data, size)), path: "fuzz.yaml", into: &d).map { [$0] } ?? []
  let outcome = PolicySetLoader.check(schemas: schemaSources, policies: sources, label: "fuzz.yaml", into: d)
  let diagnostics = outcome.diagnostics.sorted
  _ = DiagnosticRenderer(format: .human, sources: outcome.sources).render(diagnostics)
  _ = DiagnosticRenderer(format: .json).render(diagnostics)
  if let set = outcome.set { _ = Program(set) }
  return 0
}

Repository.fuzz(fuzzPolicy)
