/// One payment to record: a payable result of the engine, with everything an
/// auditor needs to find its rule, its clause and why it was paid.
///
/// `key` is the idempotency key the caller builds from policy, rule,
/// beneficiary, payee and period (or subject), e.g.
/// `"yingjiang|employment-service-subsidy|P1|2024"`. The ledger pays a key at
/// most once while it is not voided; it never interprets the key's parts, so
/// what counts as "the same payment" stays the engine's decision.
public struct PaymentRecord: Sendable, Equatable, Hashable {
  /// The idempotency key (non-empty).
  public var key: String
  public var policy: String
  public var rule: String
  /// The document clause the rule cites, e.g. `七（一）`.
  public var clause: String
  /// The record the result is about (a person, a placement, a group).
  public var subject: String
  public var beneficiary: String
  public var payee: String
  /// Integer fen (分); never negative.
  public var amountFen: Int64
  /// `"2024"`, `"once"`, or the subject id: the span the limit counts in.
  public var period: String
  /// The fund that pays, when the policy names one.
  public var funding: String?
  /// YYYY-MM-DD, when the payment vested.
  public var eligibleFrom: String?
  /// JSON text of the result's explanation, kept verbatim for replay.
  public var explanation: String

  public init(
    key: String, policy: String, rule: String, clause: String,
    subject: String, beneficiary: String, payee: String,
    amountFen: Int64, period: String, funding: String?, eligibleFrom: String?,
    explanation: String
  ) {
    self.key = key
    self.policy = policy
    self.rule = rule
    self.clause = clause
    self.subject = subject
    self.beneficiary = beneficiary
    self.payee = payee
    self.amountFen = amountFen
    self.period = period
    self.funding = funding
    self.eligibleFrom = eligibleFrom
    self.explanation = explanation
  }
}
