import Foundation
import Ledger
import LedgerPostgres
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit

/// One `POST /v1/batch` run: the batch's `BatchRunner` on a thread of its own (it blocks on the
/// upload and spreads its chunks over every core), with the ledger as `subsidy batch` uses it —
/// `--commit`: one transaction around the whole run; else the paid keys, read only — and the payouts
/// and rejects written to a spool folder through the batch's own `BatchOutputs`.
struct BatchRun: Sendable {
  let program: Program
  let asOf: CivilDate
  let maxRows: Int
  /// The run's memory budget in megabytes (`--batch-memory`).
  let memory: Int
  /// `--ledger`; nil without one.
  let ledger: String?
  /// The batch to record (`commit=true`); nil for a dry run.
  var commit: BatchInfo?
  /// The language of the rejects' reasons (`?lang=`, else `Accept-Language`, else Chinese).
  var language: DiagnosticLanguage = .zh
  /// `explain=true`: each payouts row's explanation, in `language`, as `subsidy batch --explain` writes it.
  var explain = false

  init(program: Program, asOf: CivilDate, maxRows: Int, memory: Int = ServerOptions.defaultBatchMemory, ledger: String?) {
    self.program = program
    self.asOf = asOf
    self.maxRows = maxRows
    self.memory = memory
    self.ledger = ledger
  }

  /// A run that succeeded: its summary, and its payouts and rejects as open files whose folder is
  /// already gone (`Spool.open`).
  struct Done: Sendable {
    let summary: BatchSummary
    let files: SpooledFiles
  }

  /// Runs the batch on a new thread; the result once it is over.
  func start(reading reader: CSVReader) async -> Result<Done, Problem> {
    let box = UnsafeSendable(reader)
    return await withCheckedContinuation { continuation in
      let thread = Thread { continuation.resume(returning: self.run(box.value)) }
      thread.stackSize = 8 << 20
      thread.start()
    }
  }

  func run(_ reader: CSVReader) -> Result<Done, Problem> {
    let spool: Spool
    do { spool = try Spool() } catch { return .failure(Self.storageProblem(error)) }
    var options = BatchOptions(input: "request.csv", asOf: asOf)
    options.maxRows = maxRows
    options.language = language
    options.memory = MemoryBudget(megabytes: memory)
    let runner = BatchRunner(program: program, options: options)
    var d = DiagnosticBag()
    var summary = BatchSummary()
    do {
      let outputs = BatchOutputs(payouts: try OutputFile(spool.payouts), rejects: try OutputFile(spool.rejects),
                                 explanations: explain ? try OutputFile(spool.explanations) : nil)
      if let commit, let ledger {
        let store = try LedgerOpening.open(ledger, createIfMissing: true)
        _ = try store.commit(commit) { tx in
          let hooks = LedgerHooks(paidKeys: { try tx.paidKeys(among: $0) }, record: { try tx.record($0) },
                                  identityConflict: { try tx.identityConflict($0) }, recordIdentity: { try tx.recordIdentity($0) },
                                  prefetchIdentities: { try tx.prefetchIdentities($0) })
          summary = try runner.run(reading: reader, ledger: hooks, outputs: outputs, into: &d)
          if d.hasErrors { throw Invalid() }  // nothing of a failed batch is kept
        }
      } else if let ledger {
        let store = try LedgerOpening.openForReading(ledger)
        summary = try runner.run(reading: reader, ledger: LedgerHooks(paidKeys: { try store.paidKeys(among: $0) }, record: nil), outputs: outputs, into: &d)
      } else {
        summary = try runner.run(reading: reader, ledger: nil, outputs: outputs, into: &d)
      }
      if d.hasErrors { throw Invalid() }
      try outputs.commit()
    } catch {
      spool.remove()
      return .failure(Self.problem(error, diagnostics: d.sorted))
    }
    do {
      return .success(Done(summary: summary, files: try spool.open(explained: explain)))
    } catch {
      return .failure(Self.storageProblem(error))
    }
  }

  /// The batch's diagnostics (a header that does not fit the schema, an empty upload) are in the bag.
  struct Invalid: Error {}

  static func problem(_ error: any Error, diagnostics: [Diagnostic]) -> Problem {
    switch error {
    case is Invalid:
      let first = diagnostics.first { $0.severity == .error }
      return Problem(.unprocessableContent, "batch-invalid", "the batch cannot be evaluated",
                     detail: PIIMask.mask(first.map { $0.message } ?? "the batch has errors"), diagnostics: diagnostics)
    case let failure as CSVReader.Failure:
      return CompareRoute.csvProblem(failure, file: "request.csv")
    case let limit as BatchOptions.RowLimitExceeded:
      return Problem(.contentTooLarge, "too-many-rows", "too many rows",
                     detail: "the batch has more than \(limit.limit) rows, the limit of this server (`--max-batch-rows`); split it, or run `subsidy batch`")
    case BodyFeed.Broken.timedOut(let seconds):
      return Problem(.requestTimeout, "time-limit", "request body too slow",
                     detail: "the upload stopped arriving for more than \(seconds) seconds; nothing was recorded")
    case BodyFeed.Broken.cutOff(let why):
      return Problem.badRequest("body-incomplete", "\(why); nothing was recorded")
    case let error as LedgerError:
      return LedgerAccess.problem(error)
    case let failure as OutputFile.Failure:
      return storageProblem(failure)
    default:
      return Problem(.serviceUnavailable, "ledger-failed", "the batch failed",
                     detail: "the batch could not be completed: \(String(describing: error).prefix(300)); nothing was recorded")
    }
  }

  static func storageProblem(_ error: any Error) -> Problem {
    Problem(.serviceUnavailable, "no-spool", "the server cannot write its temporary files",
            detail: "the server could not write the batch's temporary files: \(String(describing: error).prefix(200))")
  }
}

/// Hands a value that one thread uses at a time to that thread.
struct UnsafeSendable<T>: @unchecked Sendable {
  // Unchecked: the value moves to the batch's thread and is used there alone; the sender keeps no use of it.
  let value: T
  init(_ value: T) { self.value = value }
}
