/// Count and sum of payments for one (policy, rule, funding): what a finance
/// office reconciles against each fund.
public struct SummaryRow: Sendable, Equatable {
  public var policy: String
  public var rule: String
  public var funding: String?
  public var count: Int
  public var totalFen: Int64

  public init(policy: String, rule: String, funding: String?, count: Int, totalFen: Int64) {
    self.policy = policy
    self.rule = rule
    self.funding = funding
    self.count = count
    self.totalFen = totalFen
  }
}
