/// What one committed batch changed: how many payments it recorded, how many
/// of the records it was given were already paid, and the money it added.
public struct CommitSummary: Sendable, Equatable {
  public var batchID: String
  /// Payments recorded by this batch.
  public var inserted: Int
  /// Records passed to `record` whose key was already paid (and not voided).
  public var alreadyPaid: Int
  /// Sum of the inserted payments, in fen.
  public var totalFen: Int64

  public init(batchID: String, inserted: Int, alreadyPaid: Int, totalFen: Int64) {
    self.batchID = batchID
    self.inserted = inserted
    self.alreadyPaid = alreadyPaid
    self.totalFen = totalFen
  }
}
