/// A payment as the ledger holds it: the record, where it came from (the
/// batch's engine version, policy hash and date) and whether it was voided.
public struct StoredPayment: Sendable, Equatable {
  /// The row id; what `void(paymentID:reason:)` takes.
  public var id: Int64
  public var record: PaymentRecord
  public var batchID: String
  /// UTC, ISO 8601 with milliseconds.
  public var recordedAt: String
  public var engineVersion: String
  public var policyHash: String
  public var asOf: String
  public var source: String
  public var voidedAt: String?
  public var voidReason: String?
  /// The paying office of the payment's batch (`BatchInfo.payer`); empty when none was named.
  public var payer: String

  public var isVoided: Bool { voidedAt != nil }

  public init(
    id: Int64, record: PaymentRecord, batchID: String, recordedAt: String,
    engineVersion: String, policyHash: String, asOf: String, source: String,
    voidedAt: String?, voidReason: String?, payer: String = ""
  ) {
    self.id = id
    self.record = record
    self.batchID = batchID
    self.recordedAt = recordedAt
    self.engineVersion = engineVersion
    self.policyHash = policyHash
    self.asOf = asOf
    self.source = source
    self.voidedAt = voidedAt
    self.voidReason = voidReason
    self.payer = payer
  }
}
