import PolicyEval
import SubsidyReports

/// What a kept result carries to the merge: its contract JSON as evaluated, the ledger's record of why
/// a payment is due (`--commit`: `PayoutRow.explanationJSON`), and the result as `--explain` shows it
/// (`explain=true`: `PayoutRow.shownJSON`), its personal data masked unless `--show-pii` and its
/// `words` in the reader's language, as the server's `/v1/eval` gives them. Two strings, so what the
/// ledger records depends on neither display option.
///
/// The words name the facts a check read (an entity by its id), so they are made on the worker that
/// holds the chunk's facts, once per result kept; the merge only writes them out. A run that asks for
/// neither makes none: an explanation costs more than evaluating the row did.
struct KeptExplanation: Sendable {
  let program: Program
  /// Whether the ledger records explanations.
  let forLedger: Bool
  /// The language of the words; nil: nothing is shown.
  let language: TextReport.Language?
  let showPII: Bool
  private let redactor: PIIRedactor?
  /// Conditions put in words once for the run, shared by the workers (it locks).
  private let memo = ConditionTexts()

  init(program: Program, forLedger: Bool, wordsIn language: TextReport.Language?, showPII: Bool) {
    self.program = program
    self.forLedger = forLedger
    self.language = language
    self.showPII = showPII
    redactor = language.map { _ in PIIRedactor(program: program) }
  }

  /// Whether results carry anything (then the evaluator explains the results it keeps).
  var kept: Bool { forLedger || language != nil }

  /// The explanations of one chunk's results (`facts`: the chunk's; a group's results, judged at the
  /// end, have no facts of their own and take the schema's empty ones).
  func writer(facts: @autoclosure () -> Facts) -> Writer {
    guard let language, let redactor else { return Writer(forLedger: forLedger, words: nil, redactor: nil, showPII: showPII) }
    var words = ResultWords(program: program, facts: facts(), language: language, redactor: redactor, memo: memo)
    words.allChecks = true
    return Writer(forLedger: forLedger, words: words, redactor: redactor, showPII: showPII)
  }

  struct Writer {
    let forLedger: Bool
    let words: ResultWords?
    let redactor: PIIRedactor?
    let showPII: Bool

    /// The contract JSON the ledger records, or nil when nothing is committed.
    func ledger(_ r: EvalResult) -> String? { forLedger ? ResultJSON.line(r) : nil }

    /// The result as shown, with its words; nil when explanations are not written out.
    func shown(_ r: EvalResult) -> String? {
      guard let words, let redactor else { return nil }
      var out = JSONWriter(pretty: false, capacity: 2048)
      // The words from the result as evaluated: its reasons name the values they mask.
      ResultJSON.write(showPII ? r : redactor.result(r), to: &out) { out in
        out.key("words")
        words.write(r, toPay: nil, to: &out)
      }
      return String(decoding: out.bytes(), as: UTF8.self)
    }
  }
}
