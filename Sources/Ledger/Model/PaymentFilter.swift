/// Which payments a query sees. Every field left `nil` matches everything;
/// voided payments are hidden unless asked for, since they were not paid.
public struct PaymentFilter: Sendable, Equatable {
  public var policy: String?
  public var rule: String?
  public var batch: String?
  public var beneficiary: String?
  public var includeVoided: Bool

  public init(policy: String? = nil, rule: String? = nil, batch: String? = nil, beneficiary: String? = nil, includeVoided: Bool = false) {
    self.policy = policy
    self.rule = rule
    self.batch = batch
    self.beneficiary = beneficiary
    self.includeVoided = includeVoided
  }

  /// Every payment that is still paid.
  public static let all = PaymentFilter()
}
