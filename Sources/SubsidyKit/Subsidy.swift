import Foundation
import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues

/// The facade the CLI (and later a server) calls: load and check policies, load facts, evaluate.
public enum Subsidy {
  /// The engine version, recorded with results so a payout can be replayed.
  public static let version = "0.1.0"

  /// Loads, checks and compiles the policies in `path`. Nil program when there are errors.
  public static func compile(_ path: String, only: [String]? = nil) -> (program: Program?, outcome: CheckOutcome) {
    compile([path], only: only)
  }

  /// Loads several directories or files together (policies and overlays that extend them).
  public static func compile(_ paths: [String], only: [String]? = nil) -> (program: Program?, outcome: CheckOutcome) {
    let outcome = PolicySetLoader.check(paths.isEmpty ? ["policies"] : paths, only: only)
    return (outcome.set.map(Program.init), outcome)
  }

  /// Loads a facts file against the program's schema. `asOf` (the command line's) overrides the
  /// file's `as_of` for the checks that need the date judged on.
  public static func loadFacts(_ path: String, program: Program, asOf: CivilDate? = nil, into d: inout DiagnosticBag) -> (Facts, SourceFile)? {
    guard let source = SourceReader.read(path, into: &d) else { return nil }
    guard let facts = FactsLoader(schema: program.schema).load(source, asOf: asOf, into: &d) else { return nil }
    return (facts, source)
  }

  /// A facts file as a diagnostic may quote it: its `pii` values and anything that looks like an ID number masked.
  public static func quotable(_ source: SourceFile, program: Program) -> SourceFile {
    FactsLoader(schema: program.schema).quotable(source)
  }

  /// Parses `YYYY-MM-DD` for a command-line option, explaining a bad date.
  /// The problem says the text in both languages (its `description` is the English).
  public static func parseDate(_ text: String) -> (date: CivilDate?, problem: LocalizedText) {
    if let date = CivilDate.parse(text) { return (date, LocalizedText("", zh: "")) }
    return (nil, LocalizedText("`\(text)` is not a date" + (DateText.explain(text).map { ": \($0)" } ?? ""),
                               zh: "`\(text)` 不是日期" + (DateText.explainZh(text).map { "：\($0)" } ?? "")))
  }
}
