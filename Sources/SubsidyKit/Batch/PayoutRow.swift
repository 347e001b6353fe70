import PolicyEval
import PolicyValues

/// One line of the payouts CSV (the contract's columns), small enough to hold for every limit winner.
public struct PayoutRow: Sendable {
  public static let header = ["policy", "rule", "clause", "subject", "beneficiary", "payee", "amount", "status",
                              "eligible_from", "expires", "missing_evidence", "funding"]
  public var policy: String
  public var rule: String
  public var clause: String
  public var subject: String
  public var beneficiary: String
  public var payee: String
  public var amount: Fixed?
  public var status: Status
  public var eligibleFrom: CivilDate?
  public var expires: CivilDate?
  public var missingEvidence: String
  public var funding: String
  /// For limits and the ledger.
  public var ruleDate: CivilDate
  public var key: String
  public var period: String
  /// The result's explanation as JSON, kept only when payments are committed to the ledger.
  public var explanationJSON: String?

  public init(_ r: EvalResult, keepExplanation: Bool) {
    policy = r.policy
    rule = r.rule
    clause = r.clause
    subject = r.subject
    beneficiary = r.beneficiary ?? ""
    payee = r.payee ?? ""
    amount = r.amount
    status = r.status
    eligibleFrom = r.eligibleFrom
    expires = r.expires
    missingEvidence = r.missingEvidence.joined(separator: ";")
    funding = r.funding ?? ""
    ruleDate = r.ruleDate
    key = r.idempotencyKey
    period = r.period
    explanationJSON = keepExplanation ? ResultJSON.result(r).serialized(pretty: false) : nil
  }

  /// Same order as `EvalResult.claimPrecedes`.
  func precedes(_ other: PayoutRow) -> Bool {
    (status.claimRank, ruleDate, subject) < (other.status.claimRank, other.ruleDate, other.subject)
  }

  func write(to out: inout CSVWriter) {
    out.row([policy, rule, clause, subject, beneficiary, payee, amount?.fenString ?? "", status.rawValue,
             eligibleFrom?.description ?? "", expires?.description ?? "", missingEvidence, funding])
  }
}
