/// A committed batch and what it recorded. Only committed batches exist: a
/// batch is written in the same transaction as its payments.
public struct StoredBatch: Sendable, Equatable {
  public var info: BatchInfo
  /// UTC, ISO 8601 with milliseconds: when the commit began and finished.
  public var startedAt: String
  public var committedAt: String
  /// Every payment the batch recorded, voided or not.
  public var paymentCount: Int
  /// How many of them were voided since.
  public var voidedCount: Int
  /// Sum of its payments that are not voided, in fen.
  public var totalFen: Int64

  public init(info: BatchInfo, startedAt: String, committedAt: String, paymentCount: Int, voidedCount: Int, totalFen: Int64) {
    self.info = info
    self.startedAt = startedAt
    self.committedAt = committedAt
    self.paymentCount = paymentCount
    self.voidedCount = voidedCount
    self.totalFen = totalFen
  }
}
