import Foundation
import PolicyEval
import PolicySupport
import SubsidyKit

/// One whole, checked policy set and what the routes derive from it. A request takes one snapshot at
/// its start and uses only it, so a reload in between never gives it half of one set and half of another.
public struct PolicySnapshot: Sendable {
  public let program: Program
  /// The schema files' texts: `POST /v1/check` checks a policy sent alone against them.
  public let schemaSources: [SourceFile]
  /// Each served policy's text by policy id: `POST /v1/check` loads the base an overlay it is sent extends.
  public let policySources: [String: SourceFile]
  /// Each served policy's test files (`DIR/tests/*.yaml`, as `subsidy test` reads them) by the policy
  /// they test: the page's 规则编辑 runs them against a draft through `POST /v1/test`.
  public let testSources: [String: [SourceFile]]
  public let redactor: PIIRedactor
  /// The conditions of `program` put in words so far (`POST /v1/eval`'s `failed_checks`): per policy
  /// set, so a reload, which swaps the whole snapshot, starts afresh.
  public let conditionTexts = ConditionTexts()
  /// The facts loader for `program`'s schema, made once per set: `POST /v1/eval` builds no decoder
  /// or field specs per request.
  public let factsLoader: FactsLoader
  /// Counts up with each successful reload (1 for the set loaded at start).
  public let generation: Int

  /// Loads, checks and compiles `paths`; the diagnostics when the set fails `check`.
  public static func load(_ paths: [String], generation: Int) -> Result<PolicySnapshot, PolicySetRejected> {
    let (program, outcome) = Subsidy.compile(paths)
    guard let program, !outcome.hasErrors else {
      return .failure(PolicySetRejected(diagnostics: outcome.diagnostics.sorted))
    }
    let schemas = outcome.sources.filter { $0.path.hasSuffix(".schema.yaml") }
    var policies: [String: SourceFile] = [:]
    for file in outcome.policyFiles {
      if let source = outcome.sources.first(where: { $0.path == file.path }) { policies[file.id.value] = source }
    }
    return .success(PolicySnapshot(program: program, schemaSources: schemas, policySources: policies,
                                   testSources: testFiles(paths), redactor: PIIRedactor(program: program),
                                   factsLoader: FactsLoader(schema: program.schema), generation: generation))
  }

  /// The test files in `tests/` of each policy folder, by the policy each names (a file whose
  /// `policy:` cannot be read is filed under its own name, so its errors still show when it is run).
  static func testFiles(_ paths: [String]) -> [String: [SourceFile]] {
    var byPolicy: [String: [SourceFile]] = [:]
    for path in paths.isEmpty ? ["policies"] : paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
      let folder = (path as NSString).appendingPathComponent("tests")
      let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
      for name in names {
        var d = DiagnosticBag()
        guard let source = SourceReader.read((folder as NSString).appendingPathComponent(name), into: &d) else { continue }
        // Named by its file name alone: the page sends it back under that name.
        let file = SourceFile(path: name, text: source.text)
        let policy = TestFile.parse(file, into: &d)?.policy.value ?? String(name.dropLast(".yaml".count))
        byPolicy[policy, default: []].append(file)
      }
    }
    return byPolicy
  }
}

/// A policy set that did not pass `check`, with its diagnostics.
public struct PolicySetRejected: Error, Sendable {
  public let diagnostics: [Diagnostic]
}
