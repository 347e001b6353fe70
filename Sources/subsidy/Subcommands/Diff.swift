import ArgumentParser
import SubsidyKit

/// `subsidy diff A B`: what changed from one policy (or version) to another, rule by rule, in plain words.
struct Diff: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show what differs between two policies or policy versions: parameters, conditions, amounts, periods, evidence.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  @Argument(help: "The earlier (or reference) policy id.")
  var from: String

  @Argument(help: "The later (or compared) policy id.")
  var to: String

  @Option(help: "A policy directory or file; repeat to add overlays, e.g. --policies policies --policies examples/variants (default: policies).")
  var policies: [String] = []

  @Option(help: "Output: text or json.")
  var format: Format = .text

  @Option(help: "Language: zh or en.")
  var lang: TextReport.Language = .zh

  func run() throws {
    let (program, outcome) = Subsidy.compile(policies, only: [from, to])
    guard let program else {
      Terminal.report(outcome.diagnostics.sorted, sources: outcome.sources)
      Terminal.err("error: the policies have errors; run `subsidy check \(policies.joined(separator: " "))`\n")
      throw ExitCode.checkErrors
    }
    let checked = program.checkedPolicies
    guard let a = checked.first(where: { $0.id == from }), let b = checked.first(where: { $0.id == to }) else {
      Terminal.err("error: both `\(from)` and `\(to)` must be loaded\n")
      throw ExitCode.inputError
    }
    // Differences are the answer, not a failure: exit 0 either way.
    let diff = PolicyDiffer(schema: program.schema, language: lang).diff(a, b)
    switch format {
    case .text: Terminal.text(DiffText.render(diff, language: lang))
    case .json: Terminal.out(DiffJSON.document(diff).serialized() + "\n")
    }
  }
}
