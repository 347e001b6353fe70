import ArgumentParser
import PolicyEval
import PolicySupport
import SubsidyKit

/// Loading the policies for a command, with one meaning per failure: an id that names no policy is
/// the user's usage error (exit 64, with the nearest ids), a policy that does not check is the
/// policies' (exit 2, with the `check` command to run).
enum PolicyLoading {
  static func compile(_ paths: [String], only: [String]? = nil, language: DiagnosticLanguage) throws -> (program: Program, outcome: CheckOutcome) {
    let (program, outcome) = Subsidy.compile(paths, only: only)
    if let program { return (program, outcome) }
    Terminal.report(outcome.diagnostics.sorted, sources: outcome.sources, language: language)
    let errors = outcome.diagnostics.diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty, errors.allSatisfy({ $0.code == "unknown-policy" }) { throw ExitCode.usage }
    let check = "subsidy check \((paths.isEmpty ? ["policies"] : paths).joined(separator: " "))"
    Terminal.error("the policies have errors; run `\(check)`", zh: "政策有错误；请运行 `\(check)`", language: language)
    throw ExitCode.checkErrors
  }

  /// Resolves policy arguments that may be ids or file paths (`diff A B`, `explain FILE`).
  static func arguments(_ arguments: [String], policies: [String], language: DiagnosticLanguage) throws -> PolicyArguments {
    var d = DiagnosticBag()
    let resolved = PolicyArguments.resolve(arguments, policies: policies, into: &d)
    Terminal.report(d.sorted, sources: [], language: language)
    guard let resolved else { throw ExitCode.inputError }
    return resolved
  }
}
