import PolicyEval
import SubsidyReports

/// What a kept result carries to the merge as `PayoutRow.explanationJSON`: nothing; its contract JSON,
/// the ledger's record of why a payment is due (`--commit`); or that JSON followed by its `words` in
/// the reader's language, as the server's `/v1/eval` gives them (`--explain`, `explain=true`).
///
/// The words name the facts a check read (an entity by its id), so they are made on the worker that
/// holds the chunk's facts, once per result kept; the merge only writes them out. A run that asks for
/// neither makes none: an explanation costs more than evaluating the row did.
struct KeptExplanation: Sendable {
  let program: Program
  /// Whether results carry their JSON at all.
  let kept: Bool
  /// The language of the words; nil: no words (the ledger's JSON alone).
  let language: TextReport.Language?
  private let redactor: PIIRedactor?
  /// Conditions put in words once for the run, shared by the workers (it locks).
  private let memo = ConditionTexts()

  init(program: Program, forLedger: Bool, wordsIn language: TextReport.Language?) {
    self.program = program
    kept = forLedger || language != nil
    self.language = language
    redactor = language.map { _ in PIIRedactor(program: program) }
  }

  /// The explanations of one chunk's results (`facts`: the chunk's; a group's results, judged at the
  /// end, have no facts of their own and take the schema's empty ones).
  func writer(facts: @autoclosure () -> Facts) -> Writer {
    guard kept else { return Writer(kept: false, words: nil) }
    guard let language, let redactor else { return Writer(kept: true, words: nil) }
    return Writer(kept: true, words: ResultWords(program: program, facts: facts(), language: language, redactor: redactor, memo: memo))
  }

  struct Writer {
    let kept: Bool
    let words: ResultWords?

    /// The JSON line `r` carries, or nil when results carry none.
    func line(_ r: EvalResult) -> String? {
      kept ? ResultJSON.line(r, words: words) : nil
    }
  }
}
