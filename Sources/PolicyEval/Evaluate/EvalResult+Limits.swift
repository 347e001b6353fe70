import PolicySupport

extension EvalResult {
  /// Turns a claim that lost its limit into an ineligible result that says who holds the limit.
  public mutating func refuse(limit: [String], grantedTo holder: String, span: SourceSpan? = nil) {
    explanation.append(Check(check: "limit: once per \(limit.joined(separator: " and "))", value: "already granted for \(holder)",
                             holds: false, span: span,
                             reason: .limitTaken(limit: limit, holder: holder)))
    status = .ineligible
    amount = nil
    undetermined = nil
  }
}
