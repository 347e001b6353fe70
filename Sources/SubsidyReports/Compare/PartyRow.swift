import PolicyEval
import PolicyValues

/// One result reduced to what the comparison keeps: which rule, what status, how much.
public struct ResultBrief: Sendable {
  public var rule: String
  public var clause: String
  public var status: Status
  public var amount: Fixed?

  package init(rule: String, clause: String, status: Status, amount: Fixed?) {
    self.rule = rule
    self.clause = clause
    self.status = status
    self.amount = amount
  }
}

/// A beneficiary (or payee) and each policy's figures for them.
public struct PartyRow: Sendable {
  public var id: String
  public var kind: String
  public var name: String?
  public var figures: [PolicyFigures]
  /// Per policy, the results behind the figures (payments only).
  public var results: [[ResultBrief]]

  package init(id: String, kind: String, name: String?, figures: [PolicyFigures], results: [[ResultBrief]]) {
    self.id = id
    self.kind = kind
    self.name = name
    self.figures = figures
    self.results = results
  }
}
