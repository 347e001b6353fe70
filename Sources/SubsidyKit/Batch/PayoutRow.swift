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
  /// The result's explanation as the contract's JSON, as evaluated: the ledger's record of why a
  /// payment is due, kept only when payments are committed (`KeptExplanation`).
  public var explanationJSON: String?
  /// The result as `--explain` shows it: personal data masked (unless `--show-pii`), with its words in
  /// the run's language; kept only when explanations are written out. Apart from `explanationJSON`,
  /// so what the ledger records depends on neither option.
  public var shownJSON: String?
  /// The input line that brought the result (a dispatch's row; a person's or an organisation's first
  /// row): a chunk's lines are written in this order, so the payouts file is the same however the
  /// input is cut into chunks. Not kept for a limit's winner once it is set aside (0 when read back).
  public var line = 0

  /// A row read back from a batch's spill store.
  init(ruleIndex: Int, subject: String, beneficiary: String, payee: String, amount: Fixed?, status: Status, eligibleFrom: CivilDate?,
       expires: CivilDate?, missingEvidence: String, ruleDate: CivilDate, slot: LimitSlot?, explanationJSON: String?, shownJSON: String?) {
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
    self.shownJSON = shownJSON
  }

  init(_ r: EvalResult, explanation: KeptExplanation.Writer, line: Int = 0) {
    self.line = line
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
    explanationJSON = explanation.ledger(r)
    shownJSON = explanation.shown(r)
  }

  /// The order a chunk's lines are written in: by input line, then by rule.
  static func inputOrder(_ a: PayoutRow, _ b: PayoutRow) -> Bool {
    a.line != b.line ? a.line < b.line : a.ruleIndex < b.ruleIndex
  }

  /// `rows` sorted in input order, stably (results of one rule for one line keep the evaluator's order).
  static func inInputOrder(_ rows: [PayoutRow]) -> [PayoutRow] {
    rows.indices.sorted { a, b in
      inputOrder(rows[a], rows[b]) || (!inputOrder(rows[b], rows[a]) && a < b)
    }.map { rows[$0] }
  }

  /// Two lists in input order merged into one; on a tie `first`'s row comes first.
  static func merged(_ first: [PayoutRow], _ second: [PayoutRow]) -> [PayoutRow] {
    if second.isEmpty { return first }
    if first.isEmpty { return second }
    var out: [PayoutRow] = []
    out.reserveCapacity(first.count + second.count)
    var i = 0, j = 0
    while i < first.count, j < second.count {
      if inputOrder(second[j], first[i]) {
        out.append(second[j]); j += 1
      } else {
        out.append(first[i]); i += 1
      }
    }
    out += first[i...]
    out += second[j...]
    return out
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
    // Cell by cell into the writer's buffer, in `header`'s order: an array of twelve strings a
    // result cost more than writing them.
    out.cell(info.policy)
    out.cell(info.rule)
    out.cell(info.clause)
    out.cell(PIIMask.mask(subject, show: showPII))
    out.cell(PIIMask.mask(beneficiary, show: showPII))
    out.cell(PIIMask.mask(payee, show: showPII))
    out.cell(amount?.fenString ?? "")
    out.cell(status.rawValue)
    out.cell(eligibleFrom?.description ?? "")
    out.cell(expires?.description ?? "")
    out.cell(missingEvidence)
    out.cell(info.funding)
    try out.endRecord()
  }
}
