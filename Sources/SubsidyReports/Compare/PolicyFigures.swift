import PolicyEval
import PolicyValues

/// One policy's money for one beneficiary, payee, category or funding line.
///
/// `payable` is what would be paid on the date judged; `awaiting` is money the person is entitled
/// to but that waits for vesting or a document (pending, missing evidence), kept apart so a policy
/// that only delays a payment is not shown as paying nothing.
public struct PolicyFigures: Sendable, Equatable {
  public var payable: Fixed = .zero
  public var awaiting: Fixed = .zero
  public var payableCount = 0
  public var awaitingCount = 0
  /// Eligible, but the law states no amount.
  public var undeterminedCount = 0
  /// The most advanced status seen (payable before missing evidence before pending…), nil when none.
  public var best: Status?

  public init() {}

  package mutating func add(_ status: Status, _ amount: Fixed?) {
    switch status {
    case .payable, .alreadyPaid:
      payable = payable.adding(amount ?? .zero) ?? payable
      payableCount += 1
    case .pending, .missingEvidence:
      awaiting = awaiting.adding(amount ?? .zero) ?? awaiting
      awaitingCount += 1
    case .undetermined:
      undeterminedCount += 1
    default:
      break
    }
    if best.map({ status.claimRank < $0.claimRank }) ?? true { best = status }
  }

  mutating func merge(_ other: PolicyFigures) {
    payable = payable.adding(other.payable) ?? payable
    awaiting = awaiting.adding(other.awaiting) ?? awaiting
    payableCount += other.payableCount
    awaitingCount += other.awaitingCount
    undeterminedCount += other.undeterminedCount
    if let b = other.best, best.map({ b.claimRank < $0.claimRank }) ?? true { best = b }
  }

  /// The status to show: the best claim, or ineligible when nothing was claimed.
  public var shownStatus: Status { best ?? .ineligible }
}
