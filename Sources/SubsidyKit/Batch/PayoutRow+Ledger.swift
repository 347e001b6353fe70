import Ledger
import PolicyEval

extension PayoutRow {
  /// The ledger's record of this payable row. Amounts are whole fen (already rounded by the evaluator).
  func payment(_ rules: [RuleTerms]) -> PaymentRecord {
    let info = ruleIndex >= 0 && ruleIndex < rules.count ? rules[ruleIndex] : RuleTerms.unknown
    return PaymentRecord(
      key: key(rules), policy: info.policy, rule: info.rule, clause: info.clause, subject: subject, beneficiary: beneficiary, payee: payee,
      amountFen: (amount?.raw ?? 0) / 100, period: period(rules), funding: info.funding.isEmpty ? nil : info.funding,
      eligibleFrom: eligibleFrom?.description, explanation: explanationJSON ?? "[]")
  }
}
