import PolicyEval
import PolicyValues

/// Results in the JSON of shared/contract.md (`subsidy eval --format json`).
public enum ResultJSON {
  public static func document(asOf: CivilDate, results: [EvalResult]) -> JSON {
    .object([("as_of", .string(asOf.description)), ("results", .array(results.map { result($0) }))])
  }

  /// With the facts, each result that is not payable also says what would make it payable (`to_pay`).
  public static func document(asOf: CivilDate, results: [EvalResult], program: Program, facts: Facts) -> JSON {
    .object([("as_of", .string(asOf.description)), ("results", .array(results.map { r in
      result(r, toPay: program.toPay(r, facts: facts, asOf: asOf).map { ToPayText.json($0, schema: program.schema) })
    }))])
  }

  /// `extra` pairs follow the contract's keys (the server's `words`): made here rather than by copying
  /// the finished object's pairs into a longer array.
  public static func result(_ r: EvalResult, toPay: JSON? = nil, appending extra: [(String, JSON)] = []) -> JSON {
    var pairs: [(String, JSON)] = [
      ("policy", .string(r.policy)), ("rule", .string(r.rule)), ("clause", .string(r.clause)), ("kind", .string(r.kind.rawValue)),
      ("subject", .string(r.subject)), ("beneficiary", .optional(r.beneficiary)), ("payee", .optional(r.payee)),
      ("amount", .optional(r.amount?.fenString)), ("currency", .string("CNY")), ("status", .string(r.status.rawValue)),
      ("eligible_from", .optional(r.eligibleFrom?.description)), ("expires", .optional(r.expires?.description)),
    ]
    if let due = r.due { pairs.append(("due", .string(due.description))) }
    if let obligor = r.obligor { pairs.append(("obligor", .string(obligor))) }
    pairs += [
      ("evidence", .array(r.evidence.map { .object([("id", .string($0.id)), ("provided", .bool($0.provided))]) })),
      ("missing_evidence", .array(r.missingEvidence.map(JSON.string))),
      ("funding", .optional(r.funding)),
    ]
    if let why = r.undeterminedReason { pairs.append(("undetermined", .string(why))) }
    pairs.append(("explanation", .array(r.explanation.map {
      .object([("check", .string($0.check)), ("value", .string($0.value)), ("holds", .bool($0.holds))])
    })))
    if let toPay { pairs.append(("to_pay", toPay)) }
    pairs += extra
    return .object(pairs)
  }
}
