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
  /// words already (a server keeps one per policy set).
  public static func document(asOf: CivilDate, results: [EvalResult], program: Program, facts: Facts, redactor: PIIRedactor,
                              language: TextReport.Language, memo: ConditionTexts = ConditionTexts()) -> JSON {
    let words = ResultWords(program: program, facts: facts, language: language, redactor: redactor, memo: memo)
    let items: [JSON] = results.map { r in
      let shown = redactor.result(r)
      let toPay = program.toPay(shown, facts: facts, asOf: asOf)
      return ResultJSON.result(shown, toPay: toPay.map { ToPayText.json($0, schema: program.schema) },
                               appending: [("words", words.json(r, toPay: toPay))])
    }
    return .object([("as_of", .string(asOf.description)), ("lang", .string(language.rawValue)), ("results", .array(items))])
  }

  /// `r` is the result as evaluated (not yet masked): its reasons name the values that are masked here.
  public func json(_ r: EvalResult, toPay: ToPay?) -> JSON {
    let clause = memo.clause(policy: r.policy, rule: r.rule, program: program)
    let labels = evidenceLabels
    let evidence: [JSON] = r.evidence.map { e in
      let name = labels?.index(of: e.id).flatMap { labels?.labels[$0] }.map { language == .zh ? $0.zh : $0.en } ?? e.id
      return .object([("id", .string(e.id)), ("label", .string(name)), ("provided", .bool(e.provided)),
                      ("mark", .string(e.provided ? "☑" : "☐"))])
    }
    let text = explanationText
    let failed = r.explanation.filter { !$0.holds }.map { JSON.string(PIIMask.mask(text.line(redactor.check($0), of: r))) }
    var pairs: [(String, JSON)] = [
      ("status", .string(language == .zh ? r.status.label.zh : r.status.label.en)),
      ("title", .optional(clause.title)),
      ("clause_text", .optional(clause.text)),
      ("evidence", .array(evidence)),
      ("failed_checks", .array(failed)),
    ]
    if let why = r.undetermined { pairs.append(("undetermined", .string(PIIMask.mask(text.undetermined(why, of: r))))) }
    if let toPay {
      let steps = toPayText.lines(toPay).map { JSON.string(PIIMask.mask($0)) }
      pairs.append(("to_pay", .object([
        ("heading", .string(toPay.possible ? t("如何可发放", "to make it payable") : t("不能发放的原因", "why it cannot be paid"))),
        ("possible", .bool(toPay.possible)), ("steps", .array(steps)),
      ])))
    }
    return .object(pairs)
  }
}
