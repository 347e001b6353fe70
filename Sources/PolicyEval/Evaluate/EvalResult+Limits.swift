import PolicySupport

extension EvalResult {
  /// Whether this claim keeps a limit's one payment rather than `other`: the most advanced status
  /// (already paid, payable, missing evidence, undetermined, pending), then the earlier date, then
  /// the subject id. So a complete claim is never refused because an earlier one still lacks a
  /// document, and the choice does not depend on the order of the input.
  public func claimPrecedes(_ other: EvalResult) -> Bool {
    (status.claimRank, ruleDate, subject) < (other.status.claimRank, other.ruleDate, other.subject)
  }

  /// Turns a claim that lost its limit into an ineligible result that says who holds the limit.
  public mutating func refuse(limit: [String], grantedTo holder: String, span: SourceSpan? = nil) {
    explanation.append(Check(check: "limit: once per \(limit.joined(separator: " and "))", value: "already granted for \(holder)",
                             holds: false, span: span))
    status = .ineligible
    amount = nil
    undeterminedReason = nil
  }
}
