import ArgumentParser
import PolicySupport
import PolicyValues
import SubsidyKit

/// `subsidy eval FACTS`: every result for one case, with explanations.
struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate a facts file (YAML or JSON) against the policies: amounts, statuses, dates, evidence, reasons.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  @Argument(help: "A facts file (YAML or JSON): its entities and fields are listed in docs/facts.md (`subsidy schema`).")
  var facts: String

  @Option(help: "A policy directory or file; repeat to add overlays (default: policies).")
  var policies: [String] = []

  @Option(name: .customLong("policy"), help: "Only this policy id (repeatable).")
  var only: [String] = []

  @Option(help: "The date to judge on (YYYY-MM-DD); overrides the file's as_of.")
  var asOf: String?

  @Option(help: "Output: text (a report) or json (the contract's results).")
  var format: Format = .text

  @Option(help: "Language of the report and diagnostics: zh (default) or en.")
  var lang: TextReport.Language = .zh

  @Flag(help: "Show ID numbers unmasked.")
  var showPii = false

  @Flag(help: "Under each result that is not payable, say what would make it payable (the JSON always has `to_pay`).")
  var whyNot = false

  func run() throws {
    let (program, _) = try PolicyLoading.compile(policies, only: only.isEmpty ? nil : only, language: lang.diagnostics)
    let date = try asOf.map { try DateOption.parse($0, option: "--as-of", language: lang.diagnostics) }
    var d = DiagnosticBag()
    guard let (loaded, _) = Subsidy.loadFacts(facts, program: program, asOf: date, into: &d) else {
      // The quoted source lines and the messages must not show an ID number either.
      let sources = SourceFilesFor.path(facts).map { showPii ? $0 : Subsidy.quotable($0, program: program) }
      Terminal.report(d.sorted, sources: sources, language: lang.diagnostics, maskPII: !showPii)
      throw ExitCode.inputError
    }
    guard let date = date ?? loaded.asOf else {
      Terminal.error("`\(facts)` has no `as_of`; give the date to judge on with --as-of YYYY-MM-DD",
                     zh: "`\(facts)` 没有 `as_of`；请用 `--as-of YYYY-MM-DD` 给出评估日期", language: lang.diagnostics)
      throw ExitCode.inputError
    }
    let results = program.evaluate(loaded, asOf: date)
    switch format {
    case .json:
      let redactor = PIIRedactor(program: program)
      let shown = showPii ? results : results.map(redactor.result)
      Terminal.out(ResultJSON.document(asOf: date, results: shown, program: program, facts: loaded) + "\n")
    case .text:
      var report = TextReport(program: program, facts: loaded, language: lang, showPII: showPii)
      report.whyNot = whyNot
      Terminal.text(report.render(asOf: date, results: results))
    }
  }
}

extension TextReport.Language: ExpressibleByArgument {}

/// Re-reads a file to quote its lines in diagnostics (only on the error path).
enum SourceFilesFor {
  static func path(_ path: String) -> [SourceFile] {
    var scratch = DiagnosticBag()
    return SourceReader.read(path, into: &scratch).map { [$0] } ?? []
  }
}
