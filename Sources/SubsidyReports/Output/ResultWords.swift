import PolicyCheck
import PolicyEval
import PolicyValues

/// The words a person reads beside one result, in Chinese or English: the status label, the clause's
/// text, the evidence checklist with its labels, the failed checks as `subsidy eval` says them and
/// "what would make it payable". The server adds them to the contract's JSON (as `words`) so a page
/// can show a result without knowing the schema; the contract's own keys stay as `eval --format json`
/// writes them. Personal data is masked as in the text report (the same `PIIRedactor` and `PIIMask`).
public struct ResultWords {
  let program: Program
  let facts: Facts
  let language: TextReport.Language
  let redactor: PIIRedactor
  /// The evidence enum (its labels), looked up once per document rather than copied once per result.
  private let evidenceLabels: FactSchema.EnumType?
  /// Conditions already put in words and the clauses' texts: the served policy set's, or this document's own.
  private let memo: ConditionTexts
  /// The failed checks' and "what would make it payable"'s writers, made once per document: made for
  /// each result, each copied the program (every table of it reference counted) twice more.
  private let explanationText: ExplanationText
  private let toPayText: ToPayText
  /// Whether `checks` lists every check in words, those that hold too (`subsidy batch --explain`: they
  /// are why a payment is due). The server's `/v1/eval` leaves it out: its page shows the failed ones,
  /// and every check of every result made its answers a quarter larger.
  public var allChecks = false

  public init(program: Program, facts: Facts, language: TextReport.Language, redactor: PIIRedactor, memo: ConditionTexts = ConditionTexts()) {
    self.program = program
    self.memo = memo
    self.facts = facts
    self.language = language
    self.redactor = redactor
    evidenceLabels = program.schema.enums["evidence"]
    explanationText = ExplanationText(program: program, facts: facts, language: language, showPII: false, memo: memo)
    toPayText = ToPayText(program: program, language: language, showPII: false)
  }

  private func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

  /// The server's document: `eval --format json`'s (masked results, `to_pay` judged on the masked
  /// result as the CLI does), `lang`, and each result's `words`. "What would make it payable" is
  /// worked out once per result and used for both. `memo` holds the conditions `program` has put in
  /// words already (a server keeps one per policy set). Written straight into `out`, compact.
  public static func write(asOf: CivilDate, results: [EvalResult], program: Program, facts: Facts, redactor: PIIRedactor,
                           language: TextReport.Language, memo: ConditionTexts = ConditionTexts(), to out: inout JSONWriter) {
    let words = ResultWords(program: program, facts: facts, language: language, redactor: redactor, memo: memo)
    // One set of answers for the document: the facts' columns are gathered once for every result.
    let answers = program.toPayAnswers(facts: facts, asOf: asOf)
    out.beginObject()
    out.key("as_of"); out.string(asOf.description)
    out.key("lang"); out.string(language.rawValue)
    out.key("results")
    out.beginArray()
    for r in results {
      let shown = redactor.result(r)
      let toPay = answers.toPay(shown)
      ResultJSON.write(shown, toPay: toPay.map { ToPayText.json($0, schema: program.schema) }, to: &out) { out in
        out.key("words")
        words.write(r, toPay: toPay, to: &out)
      }
    }
    out.endArray()
    out.endObject()
  }

  /// The document as compact text (tests, and callers that want a String).
  public static func document(asOf: CivilDate, results: [EvalResult], program: Program, facts: Facts, redactor: PIIRedactor,
                              language: TextReport.Language, memo: ConditionTexts = ConditionTexts()) -> String {
    var out = JSONWriter(pretty: false, capacity: 64 * 1024)
    write(asOf: asOf, results: results, program: program, facts: facts, redactor: redactor, language: language, memo: memo, to: &out)
    return String(decoding: out.bytes(), as: UTF8.self)
  }

  /// `r` is the result as evaluated (not yet masked): its reasons name the values that are masked here.
  public func write(_ r: EvalResult, toPay: ToPay?, to out: inout JSONWriter) {
    let clause = memo.clause(policy: r.policy, rule: r.rule, program: program)
    let zh = language == .zh
    out.beginObject()
    out.key("status"); out.string(zh ? r.status.label.zh : r.status.label.en)
    out.key("title"); out.string(clause.title)
    out.key("clause_text"); out.string(clause.text)
    out.key("evidence")
    out.beginArray()
    for e in r.evidence {
      let name = evidenceLabels.flatMap { labels in labels.index(of: e.id).flatMap { labels.labels[$0] } }.map { zh ? $0.zh : $0.en } ?? e.id
      out.beginObject()
      out.key("id"); out.string(e.id)
      out.key("label"); out.string(name)
      out.key("provided"); out.bool(e.provided)
      out.key("mark"); out.string(e.provided ? "☑" as StaticString : "☐")
      out.endObject()
    }
    out.endArray()
    // With `allChecks`, every check in words, those that hold too; the failed ones again on their
    // own, for a reader who asks why not.
    var failed: [String] = []
    if allChecks {
      out.key("checks")
      out.beginArray()
      for check in r.explanation {
        let line = PIIMask.mask(explanationText.line(redactor.check(check), of: r))
        if !check.holds { failed.append(line) }
        out.beginObject()
        out.key("holds"); out.bool(check.holds)
        out.key("text"); out.string(line)
        out.endObject()
      }
      out.endArray()
    } else {
      for check in r.explanation where !check.holds { failed.append(PIIMask.mask(explanationText.line(redactor.check(check), of: r))) }
    }
    out.key("failed_checks")
    out.beginArray()
    for line in failed { out.string(line) }
    out.endArray()
    if let why = r.undetermined {
      out.key("undetermined"); out.string(PIIMask.mask(explanationText.undetermined(why, of: r)))
    }
    if let toPay {
      out.key("to_pay")
      out.beginObject()
      out.key("heading"); out.string(toPay.possible ? t("如何可发放", "to make it payable") : t("不能发放的原因", "why it cannot be paid"))
      out.key("possible"); out.bool(toPay.possible)
      out.key("steps")
      out.beginArray()
      for line in toPayText.lines(toPay) { out.string(PIIMask.mask(line)) }
      out.endArray()
      out.endObject()
    }
    out.endObject()
  }
}
