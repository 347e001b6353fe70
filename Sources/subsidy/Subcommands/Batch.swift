import ArgumentParser
import Foundation
import Ledger
import LedgerPostgres
import PolicySupport
import PolicyValues
import SubsidyKit

/// `subsidy batch FILE --as-of DATE`: a whole export through the policies, with a ledger that never pays twice.
struct Batch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate a batch CSV (one row per placement): payouts CSV, rejected rows, a summary; optionally commit to the ledger.")

  @Argument(help: "The batch CSV (UTF-8, BOM allowed; header names the columns, any order; the columns are listed in docs/facts.md).")
  var file: String

  @Option(help: "The date to judge on (YYYY-MM-DD).")
  var asOf: String

  @Option(help: "A policy directory or file; repeat to add overlays (default: policies).")
  var policies: [String] = []

  @Option(help: "Write payouts here (default: stdout).")
  var out: String?

  @Option(help: "Write rejected rows here (line, column, value, reason).")
  var rejects: String?

  @Option(help: "Write each payouts row's explanation here: one JSON line per row, in the same order (the result as `eval --format json` gives it, with its words in --lang).")
  var explain: String?

  @Flag(help: "Write a UTF-8 BOM so Excel shows Chinese correctly.")
  var excel = false

  @Option(help: "The ledger: a file (SQLite), or postgres://user@host:port/database for a shared one.")
  var ledger: String = "subsidy-ledger.sqlite"

  @Option(help: "The paying office (e.g. a county's division code), recorded with each committed payment.")
  var payer: String = ""

  @Flag(help: "Record payable results in the ledger (all or nothing).")
  var commit = false

  @Option(help: "An id for this batch in the ledger (default: derived from the file and time).")
  var batchId: String?

  @Flag(help: "Show ID numbers unmasked in rejects and payouts.")
  var showPii = false

  @Option(help: "Rows per chunk.")
  var chunkRows: Int = BatchOptions.defaultChunkRows

  @Option(help: "Threads (default: all cores).")
  var threads: Int?

  @Option(help: "Megabytes the run may hold: past it, the state that spans rows (dispatch ids, ID numbers, limit winners, group aggregates) spills to temporary files, deleted when the run ends.")
  var memory: Int = MemoryBudget.defaultMegabytes

  @Option(help: "The language of the summary and diagnostics: zh (default) or en. The payouts and rejects files keep the contract's names; the rejects' reasons are in this language.")
  var lang: TextReport.Language = .zh

  @Option(help: ArgumentHelp("`columns` (default) refuses subjects column by column before the row evaluator; `rows` uses the row evaluator alone, the reference the tests compare with.", visibility: .hidden))
  var engine: String = "columns"

  func run() throws {
    let (compiled, outcome) = Subsidy.compile(policies)
    guard var program = compiled else {
      Terminal.report(outcome.diagnostics.sorted, sources: outcome.sources, language: lang.diagnostics)
      throw ExitCode.checkErrors
    }
    guard ["columns", "rows"].contains(engine) else {
      Terminal.error("--engine must be `columns` or `rows`", zh: "`--engine` 只能是 `columns` 或 `rows`", language: lang.diagnostics)
      throw ExitCode.inputError
    }
    program.usesColumnPrograms = engine == "columns"
    let date = try DateOption.parse(asOf, option: "--as-of", language: lang.diagnostics)
    guard chunkRows > 0, threads.map({ $0 > 0 }) ?? true, memory >= 0 else {
      Terminal.error("--chunk-rows and --threads must be positive, --memory not negative",
                     zh: "`--chunk-rows` 和 `--threads` 须为正数，`--memory` 不能为负", language: lang.diagnostics)
      throw ExitCode.inputError
    }
    var options = BatchOptions(input: file, asOf: date)
    options.outPath = out
    options.rejectsPath = rejects
    options.explainPath = explain
    options.excelBOM = excel
    options.showPII = showPii
    options.language = lang.diagnostics
    options.chunkRows = chunkRows
    options.threads = threads ?? options.threads
    options.memory = MemoryBudget(megabytes: memory)
    options.progress = true
    // Ctrl-C stops the run between chunks: no output file is put in place, nothing is committed.
    let (cancellation, interrupts) = Cancellation.onInterrupt()
    defer { interrupts.stop() }
    options.cancellation = cancellation
    let runner = BatchRunner(program: program, options: options)
    var d = DiagnosticBag()
    var summary = BatchSummary()
    let outputs: BatchOutputs
    do {
      var files = FileRoles()
      try files.input(.input, file)
      for source in outcome.sources { try files.input(.policyFile, source.path) }
      try files.ledger(commit || ledgerExists ? ledger : nil)
      try files.output(.option("--out"), out)
      try files.output(.option("--rejects"), rejects)
      try files.output(.option("--explain"), explain)
      outputs = try BatchOutputs.open(options)
    } catch {
      Terminal.error(error, language: lang.diagnostics)
      throw ExitCode.inputError
    }
    do {
      if commit {
        let store = try LedgerOpening.open(ledger, createIfMissing: true)
        let info = BatchInfo(id: batchId ?? Self.defaultBatchID(file), source: file, engineVersion: Subsidy.version,
                             policyHash: PolicyFingerprint.of(outcome.sources), asOf: date.description, payer: payer)
        _ = try store.commit(info) { tx in
          let hooks = LedgerHooks(paidKeys: { try tx.paidKeys(among: $0) }, record: { try tx.record($0) },
                                  identityConflict: { try tx.identityConflict($0) }, recordIdentity: { try tx.recordIdentity($0) },
                                  prefetchIdentities: { try tx.prefetchIdentities($0) })
          summary = try runner.run(ledger: hooks, outputs: outputs, into: &d)
          if d.hasErrors { throw ExitCode.inputError }  // nothing of a failed batch is kept
        }
      } else if ledgerExists {
        let store = try LedgerOpening.openForReading(ledger)
        summary = try runner.run(ledger: LedgerHooks(paidKeys: { try store.paidKeys(among: $0) }, record: nil), outputs: outputs, into: &d)
      } else {
        summary = try runner.run(ledger: nil, outputs: outputs, into: &d)
      }
    } catch let error as ExitCode {
      Terminal.report(d.sorted, sources: [], language: lang.diagnostics)
      throw error
    } catch let stopped as Cancellation.Cancelled {
      Terminal.err(stopped.text.text(in: lang.diagnostics) + "\n")
      throw ExitCode(130)
    } catch let error as CSVReader.Failure {
      Terminal.report(d.sorted, sources: [], language: lang.diagnostics)
      Terminal.error(error.text(file: file), language: lang.diagnostics)
      throw ExitCode.inputError
    } catch {
      // An output that cannot be written, a ledger error, or SQLite's own (a file that is no ledger,
      // a ledger another process holds), each in the command's language.
      Terminal.report(d.sorted, sources: [], language: lang.diagnostics)
      Terminal.error(LedgerFailureText.of(error), language: lang.diagnostics)
      throw ExitCode.inputError
    }
    Terminal.report(d.sorted, sources: [], language: lang.diagnostics)
    if d.hasErrors { throw ExitCode.inputError }
    // Only a run that got this far puts its files in place; any failure above leaves none (the
    // uncommitted temporary files are removed when `outputs` goes away).
    do {
      try outputs.commit()
    } catch {
      Terminal.error(error, language: lang.diagnostics)
      if commit {
        Terminal.line(.note, LocalizedText("the payments were committed to the ledger; `subsidy ledger export` writes them out again",
                                           zh: "款项已记入台账；可用 `subsidy ledger export` 重新导出"), language: lang.diagnostics)
      }
      throw ExitCode.inputError
    }
    let text = summary.render(language: lang)
    if out == nil { Terminal.text(text, toStderr: true) } else { Terminal.text(text) }
  }

  /// Whether a dry run reads paid keys from the ledger: a file that exists, or any server URL (a
  /// server without a ledger yet is then an error, not "nothing paid").
  var ledgerExists: Bool { LedgerOpening.isServer(ledger) || FileManager.default.fileExists(atPath: ledger) }

  /// The file's name, the time and a random suffix: two runs never share an id, even in the same second.
  static func defaultBatchID(_ file: String) -> String {
    "\((file as NSString).lastPathComponent)@\(BatchInfo.newID())"
  }
}
