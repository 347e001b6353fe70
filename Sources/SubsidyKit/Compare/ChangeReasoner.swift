import PolicyEval
import PolicyValues

/// Finds what first tells two sides' results for one beneficiary apart.
struct ChangeReasoner {
  let parameters: [String: [String]]

  func reason(from a: [EvalResult], to b: [EvalResult], lowerSide: Int, pair: PairChanges) -> ChangeReason {
    ChangeReason(from: a.map(line), to: b.map(line), difference: difference(a, b, lowerSide: lowerSide, pair: pair))
  }

  private func line(_ r: EvalResult) -> ChangeReason.Line {
    ChangeReason.Line(rule: r.rule, clause: r.clause, subject: r.subject, status: r.status, amount: r.amount,
                      failed: r.status == .ineligible ? r.explanation.first { !$0.holds } : nil)
  }

  private func difference(_ a: [EvalResult], _ b: [EvalResult], lowerSide: Int, pair: PairChanges) -> ChangeReason.Difference? {
    // The same rule on the same subject (variants of one policy): the first condition that differs.
    for x in a {
      guard let y = b.first(where: { $0.rule == x.rule && $0.subject == x.subject }) else { continue }
      for (i, check) in x.explanation.enumerated() {
        // The same condition by its words; else the one in the same place (an amended deadline reads differently).
        let other = y.explanation.first { $0.check == check.check } ?? (i < y.explanation.count ? y.explanation[i] : nil)
        if other?.holds != check.holds { return .condition(rule: x.rule, subject: x.subject, from: check, to: other) }
      }
      for check in y.explanation where !x.explanation.contains(where: { $0.check == check.check }) && !check.holds {
        return .condition(rule: x.rule, subject: x.subject, from: nil, to: check)
      }
      if x.amount == y.amount && x.status != y.status {
        return .status(rule: x.rule, subject: x.subject, from: x.status, to: y.status, fromDate: x.eligibleFrom, toDate: y.eligibleFrom)
      }
      if x.amount != y.amount {
        let reads = parameters.filter { name, _ in amountReads(x, name) }.sorted { $0.key < $1.key }.flatMap(\.value)
        return .amount(rule: x.rule, subject: x.subject, from: x.amount, to: y.amount, parameters: reads)
      }
    }
    // Different rules: what stops the side that pays less.
    let lower = lowerSide == pair.from ? a : b
    let refused = lower.filter { $0.status == .ineligible }.sorted { $0.explanation.filter(\.holds).count > $1.explanation.filter(\.holds).count }
    if let r = refused.first, let check = r.explanation.first(where: { !$0.holds }) {
      return .refusal(policy: lowerSide, rule: r.rule, subject: r.subject, check: check)
    }
    return lower.isEmpty ? .noRule(policy: lowerSide) : nil
  }

  /// Rule id → the source text of its amount, to tell which parameters an amount reads.
  let amountTexts: [String: String]

  private func amountReads(_ r: EvalResult, _ parameter: String) -> Bool {
    amountTexts[r.rule]?.contains("param.\(parameter)") == true
  }
}
