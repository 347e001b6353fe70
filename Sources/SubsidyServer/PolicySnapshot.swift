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
  public let redactor: PIIRedactor
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
                                   redactor: PIIRedactor(program: program), generation: generation))
  }
}

/// A policy set that did not pass `check`, with its diagnostics.
public struct PolicySetRejected: Error, Sendable {
  public let diagnostics: [Diagnostic]
}
