import Ledger

extension PayoutRow {
  /// The ledger's record of this payable row. Amounts are whole fen (already rounded by the evaluator).
  public var payment: PaymentRecord {
    PaymentRecord(
      key: key, policy: policy, rule: rule, clause: clause, subject: subject, beneficiary: beneficiary, payee: payee,
      amountFen: (amount?.raw ?? 0) / 100, period: period, funding: funding.isEmpty ? nil : funding,
      eligibleFrom: eligibleFrom?.description, explanation: explanationJSON ?? "[]")
  }
}
