import Foundation

/// What a batch was run with, stored once per batch and joined to each of its
/// payments, so any payout can be replayed with the same engine and policies.
public struct BatchInfo: Sendable, Equatable {
  /// Unique per run: a ledger refuses a second commit under an id it already
  /// holds, because the stored engine version and policy hash would then be
  /// ambiguous. Use ``newID(now:)`` unless the caller has its own scheme.
  public var id: String
  /// Where the facts came from (a file path, "stdin", …).
  public var source: String
  public var engineVersion: String
  /// A hash of the policy files the batch was evaluated with.
  public var policyHash: String
  /// The date the batch judged on (YYYY-MM-DD).
  public var asOf: String
  /// The paying office (a county finance bureau, e.g. `433101`), when the batch names one: a
  /// prefecture's counties share one ledger, and each payment is answered for by its payer.
  public var payer: String

  public init(id: String, source: String, engineVersion: String, policyHash: String, asOf: String, payer: String = "") {
    self.id = id
    self.source = source
    self.engineVersion = engineVersion
    self.policyHash = policyHash
    self.asOf = asOf
    self.payer = payer
  }

  /// A fresh batch id that sorts by time and cannot collide across processes:
  /// `20240131T083000Z-1a2b3c4d`.
  public static func newID(now: Date = Date()) -> String {
    let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
    return Timestamp.compact(now) + "-" + suffix
  }
}
