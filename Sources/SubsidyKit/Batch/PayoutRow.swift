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
  /// The limit slot the result claims (nil for rules without a limit, or when a part is not known:
  /// such a claim is undetermined and never shares a slot with other subjects' claims).
  public var slot: LimitSlot?
  /// The result's explanation as JSON, kept only when payments are committed to the ledger.
  public var explanationJSON: String?

  /// A row read back from a batch's spill store.
  init(ruleIndex: Int, subject: String, beneficiary: String, payee: String, amount: Fixed?, status: Status, eligibleFrom: CivilDate?,
       expires: CivilDate?, missingEvidence: String, ruleDate: CivilDate, slot: LimitSlot?, explanationJSON: String?) {
    self.ruleIndex = ruleIndex
    self.subject = subject
    self.beneficiary = beneficiary
    self.payee = payee
    self.amount = amount
    self.status = status
    self.eligibleFrom = eligibleFrom
    self.expires = expires
    self.missingEvidence = missingEvidence
    self.ruleDate = ruleDate
    self.slot = slot
    self.explanationJSON = explanationJSON
  }

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
    slot = r.limitSlot
    explanationJSON = keepExplanation ? ResultJSON.result(r).serialized(pretty: false) : nil
  }

  /// Where this claim stands against others for its limit slot (as `EvalResult.claimOrder`).
  var claimOrder: ClaimOrder { ClaimOrder(status: status, date: ruleDate, subject: subject) }

  /// The ledger's idempotency key: as `EvalResult.idempotencyKey`.
  func key(_ rules: [RuleTerms]) -> String {
    let info = ruleIndex >= 0 && ruleIndex < rules.count ? rules[ruleIndex] : RuleTerms.unknown
    if let slot { return slot.ledgerKey(policy: info.policy, rule: info.rule, limit: info.limit) }
    return LimitSlot.unlimitedKey(policy: info.policy, rule: info.rule, subject: subject, payee: payee)
  }

  func period(_ rules: [RuleTerms]) -> String { slot?.period ?? subject }

  /// One payouts line; an id that is itself an ID number (a `person_id` typed as the 身份证号) is masked
  /// unless `--show-pii`.
  func write(to out: inout CSVWriter, _ rules: [RuleTerms], showPII: Bool = false) throws {
    let info = ruleIndex >= 0 && ruleIndex < rules.count ? rules[ruleIndex] : RuleTerms.unknown
    let id = { (s: String) in PIIMask.mask(s, show: showPII) }
    try out.row([info.policy, info.rule, info.clause, id(subject), id(beneficiary), id(payee), amount?.fenString ?? "", status.rawValue,
             eligibleFrom?.description ?? "", expires?.description ?? "", missingEvidence, info.funding])
  }
}
