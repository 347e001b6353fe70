import ArgumentParser
import Foundation
import PolicySupport
import PolicyValues
import SubsidyKit

/// `subsidy compare --policy A --policy B FACTS`: one cohort under several policies, each made local.
struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run one cohort under several policies (each treating it as local) and compare payments, totals, gains and losses.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, json }

  @Argument(help: "The cohort: a facts file (YAML or JSON) or a batch CSV (.csv).")
  var facts: String

  @Option(name: .customLong("policy"), help: "A policy to compare: an id or a policy file's path (repeat; the first is the reference for gains and losses).")
  var only: [String] = []

  @Option(help: "A policy directory or file; repeat to add overlays (default: policies).")
  var policies: [String] = []

  @Option(help: "The date to judge on (YYYY-MM-DD); required for a CSV, overrides a facts file's as_of.")
  var asOf: String?

  @Option(help: "Output: text (default), csv (one row per beneficiary and payee) or json.")
  var format: Format = .text

  @Option(help: "Also write a self-contained HTML report (chart and tables) to this file.")
  var html: String?

  @Option(help: "Language of the report and diagnostics: zh (default) or en.")
  var lang: TextReport.Language = .zh

  @Option(help: "How many of the largest gains and losses per pair to explain side by side.")
  var detail: Int = 20

  @Option(help: "Rows per chunk when streaming a CSV.")
  var chunkRows: Int = 4_096

  @Option(help: "Threads (default: all cores).")
  var threads: Int?

  @Flag(help: "Show ID numbers unmasked (ids that are 身份证号).")
  var showPii = false

  func validate() throws {
    guard only.count >= 2 else { throw ValidationError("give at least two policies to compare: --policy A --policy B") }
    guard Set(only).count == only.count else { throw ValidationError("each --policy may be given once") }
    guard detail >= 0, chunkRows > 0, threads.map({ $0 > 0 }) ?? true else {
      throw ValidationError("--detail must be 0 or more; --chunk-rows and --threads must be positive")
    }
  }

  func run() throws {
    do {
      var files = FileRoles()
      try files.input(.cohort, facts)
      for path in policies { try files.input(.policyFile, path) }
      try files.output(.option("--html"), html)
    } catch {
      Terminal.error(error, language: lang.diagnostics)
      throw ExitCode.inputError
    }
    var compared: [ComparedPolicy] = []
    let named = try PolicyLoading.arguments(only, policies: policies, language: lang.diagnostics)
    for (id, argument) in zip(named.ids, only) {
      // Each policy alone: its program evaluates only its own rules on its own localised facts.
      let (program, _) = try PolicyLoading.compile(named.paths, only: [id], language: lang.diagnostics)
      guard let policy = ComparedPolicy(program: program) else {
        Terminal.error("`\(argument)` has a jurisdiction that is not a 2-, 4- or 6-digit division prefix",
                       zh: "`\(argument)` 的适用地区不是 2、4 或 6 位的行政区划代码前缀", language: lang.diagnostics)
        throw ExitCode.inputError
      }
      compared.append(policy)
    }
    var options = CompareOptions(input: facts)
    if let asOf {
      options.asOf = try DateOption.parse(asOf, option: "--as-of", language: lang.diagnostics)
    }
    options.detail = detail
    options.language = lang
    options.chunkRows = chunkRows
    options.threads = threads ?? options.threads
    // Ctrl-C stops the comparison between chunks; nothing is printed or written.
    let (cancellation, interrupts) = Cancellation.onInterrupt()
    defer { interrupts.stop() }
    options.cancellation = cancellation
    var d = DiagnosticBag()
    let found: CompareReport?
    do {
      found = try CompareRunner(policies: compared, options: options)?.run(into: &d)
    } catch is Cancellation.Cancelled {
      Terminal.err(LocalizedText("interrupted: nothing was written", zh: "已中断：未输出任何内容").text(in: lang.diagnostics) + "\n")
      throw ExitCode(130)
    } catch let error as CSVReader.Failure {
      Terminal.error(error.text(file: facts), language: lang.diagnostics)
      throw ExitCode.inputError
    }
    // Quote the facts file's lines only when there is something to say, and never re-read a large CSV for it.
    if !d.diagnostics.isEmpty {
      let sources = facts.lowercased().hasSuffix(".csv") ? [] : SourceFilesFor.path(facts)
      Terminal.report(d.sorted, sources: showPii ? sources : sources.map { Subsidy.quotable($0, program: compared[0].program) }, language: lang.diagnostics, maskPII: !showPii)
    }
    guard let found, !d.hasErrors else { throw ExitCode.inputError }
    let report = showPii ? found : found.maskingPII()
    switch format {
    case .text: Terminal.text(CompareText(report: report, language: lang).render())
    case .csv: Terminal.out(CompareCSV.render(report, language: lang))
    case .json: Terminal.out(CompareJSON.document(report, language: lang).serialized() + "\n")
    }
    if let html {
      do {
        try OutputFile.write(CompareHTML(report: report, language: lang).render(), to: html)
      } catch {
        Terminal.error(error, language: lang.diagnostics)
        throw ExitCode.inputError
      }
    }
  }
}
