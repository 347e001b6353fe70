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

  @Option(help: "Language of the diagnostics: zh (default) or en. Codes and `--format json`'s `message` stay English.")
  var lang: TextReport.Language = .zh

  func run() throws {
    let outcome = PolicySetLoader.check(paths)
    let diagnostics = outcome.diagnostics.sorted
    if format == .json {
      Terminal.out(DiagnosticRenderer(format: .json).render(diagnostics))
    } else {
      Terminal.report(diagnostics, sources: outcome.sources, format: format, language: lang.diagnostics)
      let rules = outcome.policyFiles.reduce(0) { $0 + $1.rules.count }
      let errors = outcome.diagnostics.errorCount, warnings = outcome.diagnostics.warningCount
      var summary = DiagnosticRenderer(language: lang.diagnostics)
        .summary(policies: outcome.policyFiles.count, rules: rules, errors: errors, warnings: warnings, dropped: outcome.diagnostics.droppedCount)
      if strict, errors == 0, warnings > 0 {
        summary += lang == .zh
          ? "\n错误：--strict 把警告当作错误：检查因上面的 \(warnings) 个警告而不通过"
          : "\nerror: --strict treats warnings as errors: \(warnings == 1 ? "the warning above fails" : "the \(warnings) warnings above fail") the check"
      }
      Terminal.err(summary + "\n")
    }
    if outcome.hasErrors { throw ExitCode.checkErrors }
    if strict, outcome.diagnostics.warningCount > 0 { throw ExitCode.checkErrors }
  }
}

extension DiagnosticRenderer.Format: ExpressibleByArgument {}

