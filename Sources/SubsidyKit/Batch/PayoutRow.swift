import PolicyEval
import PolicyValues

/// One line of the payouts CSV, kept compact: a limit's best claim so far is held for every
/// beneficiary until the file ends, so the rule's names live once in `RuleTerms`, not in each row.
public struct PayoutRow: Sendable {
  public static let header = ["policy", "rule", "clause", "subject", "beneficiary", "payee", "amount", "status",
                              "eligible_from", "expires", "missing_evidence", "funding"]
  public var ruleIndex: Int
  public var subject: String
  public var beneficiary: String
  public var payee: String
  public var amount: Fixed?
  public var status: Status
  public var eligibleFrom: CivilDate?
  public var expires: CivilDate?
  public var missingEvidence: String
  /// For limits and the ledger.
  public var ruleDate: CivilDate
  /// The result's explanation as JSON, kept only when payments are committed to the ledger.
  public var explanationJSON: String?

  public init(_ r: EvalResult, keepExplanation: Bool) {
    ruleIndex = r.ruleIndex
    subject = r.subject
    beneficiary = r.beneficiary ?? ""
    payee = r.payee ?? ""
    amount = r.amount
    status = r.status
    eligibleFrom = r.eligibleFrom
    expires = r.expires
    missingEvidence = r.missingEvidence.isEmpty ? "" : r.missingEvidence.joined(separator: ";")
    ruleDate = r.ruleDate
    explanationJSON = keepExplanation ? ResultJSON.result(r).serialized(pretty: false) : nil
  }

  /// Same order as `EvalResult.claimPrecedes`.
  func precedes(_ other: PayoutRow) -> Bool {
    (status.claimRank, ruleDate, subject) < (other.status.claimRank, other.ruleDate, other.subject)
  }

  /// The one-payment slot of a limited rule this row claims (`[beneficiary, year]` → worker and year).
  func limitSlot(_ rules: [RuleTerms]) -> LimitSlot? {
    guard ruleIndex >= 0, ruleIndex < rules.count, !rules[ruleIndex].limit.isEmpty else { return nil }
    let limit = rules[ruleIndex].limit
    return LimitSlot(rule: Int32(truncatingIfNeeded: ruleIndex), beneficiary: limit.contains("beneficiary") ? beneficiary : "",
                     payee: limit.contains("payee") ? payee : "", year: limit.contains("year") ? Int32(ruleDate.year) : 0)
  }

  /// The ledger's idempotency key: as `EvalResult.idempotencyKey`.
  func key(_ rules: [RuleTerms]) -> String {
    guard ruleIndex >= 0, ruleIndex < rules.count else { return subject }
    let info = rules[ruleIndex]
    guard !info.limit.isEmpty else { return "\(info.policy)|\(info.rule)|\(subject)|\(payee)" }
    let parts = info.limit.map { $0 == "beneficiary" ? beneficiary : $0 == "payee" ? payee : String(ruleDate.year) }
    return ([info.policy, info.rule] + parts).joined(separator: "|")
  }

  func period(_ rules: [RuleTerms]) -> String {
    guard ruleIndex >= 0, ruleIndex < rules.count, !rules[ruleIndex].limit.isEmpty else { return subject }
    return rules[ruleIndex].limit.contains("year") ? String(ruleDate.year) : "once"
  }

  /// One payouts line; an id that is itself an ID number (a `person_id` typed as the 身份证号) is masked
  /// unless `--show-pii`.
  func write(to out: inout CSVWriter, _ rules: [RuleTerms], showPII: Bool = false) {
    let info = ruleIndex >= 0 && ruleIndex < rules.count ? rules[ruleIndex] : RuleTerms.unknown
    let id = { (s: String) in PIIMask.mask(s, show: showPII) }
    out.row([info.policy, info.rule, info.clause, id(subject), id(beneficiary), id(payee), amount?.fenString ?? "", status.rawValue,
             eligibleFrom?.description ?? "", expires?.description ?? "", missingEvidence, info.funding])
  }
}

/// What a limit allows one payment for: the rule and the parts of beneficiary, payee and year it names.
struct LimitSlot: Hashable, Sendable {
  var rule: Int32
  var beneficiary: String
  var payee: String
  var year: Int32
}
