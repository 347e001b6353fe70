import ArgumentParser
import PolicySupport
import SubsidyKit

/// `subsidy check [DIR]`: parse, resolve, type-check and analyse every policy.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check the policies in a directory (or one file) and report every problem with file:line:column.")

  @Argument(help: "Policy directories or files (overlays are checked against the bases they extend).")
  var paths: [String] = ["policies"]

  @Option(help: "Diagnostic format: human, plain or json.")
  var format: DiagnosticRenderer.Format = .human

  @Flag(help: "Treat warnings as errors.")
  var strict = false

  func run() throws {
    let outcome = PolicySetLoader.check(paths)
    let diagnostics = outcome.diagnostics.sorted
    if format == .json {
      Terminal.out(DiagnosticRenderer(format: .json).render(diagnostics))
    } else {
      Terminal.report(diagnostics, sources: outcome.sources, format: format)
      let rules = outcome.policyFiles.reduce(0) { $0 + $1.rules.count }
      let errors = outcome.diagnostics.errorCount, warnings = outcome.diagnostics.warningCount
      var summary = "checked \(outcome.policyFiles.count) \(outcome.policyFiles.count == 1 ? "policy" : "policies") (\(rules) rule\(rules == 1 ? "" : "s")): "
      summary += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
      if outcome.diagnostics.droppedCount > 0 { summary += " (\(outcome.diagnostics.droppedCount) more not shown)" }
      if strict, errors == 0, warnings > 0 {
        summary += "\nerror: --strict treats warnings as errors: \(warnings == 1 ? "the warning above fails" : "the \(warnings) warnings above fail") the check"
      }
      Terminal.err(summary + "\n")
    }
    if outcome.hasErrors { throw ExitCode.checkErrors }
    if strict, outcome.diagnostics.warningCount > 0 { throw ExitCode.checkErrors }
  }
}

extension DiagnosticRenderer.Format: ExpressibleByArgument {}
