import PolicySupport
import PolicyValues

/// One rule: a clause of the law turned into conditions, an amount and its limits.
public struct Rule: Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    case payment, entitlement, qualification, obligation
    /// A revolving advance (周转资金) that must be returned: money out, but not a subsidy, so reports
    /// keep it apart from payable totals; its return is an obligation of its own.
    case advance

    /// Kinds that pay money or grant a benefit: they need an amount and a payee.
    public var paysOut: Bool { self == .payment || self == .entitlement || self == .advance }
  }

  /// The subject kinds a rule can be about; `group` aggregates over many subjects.
  public static let subjectKinds = ["dispatch", "person", "household", "training", "enrollment", "organization", "group"]
  public static let limitKeys = ["beneficiary", "payee", "year"]

  /// Limit keys in the one order a limit's key is built in, whatever order a file wrote them in.
  public static func canonicalLimit(_ keys: [String]) -> [String] { limitKeys.filter(keys.contains) }

  public var id: Located<String>
  public var clause: Located<String>
  public var text: String
  public var kind: Located<Kind>
  public var about: Located<String>
  public var group: GroupSpec?
  public var payee: Expr?
  public var beneficiary: Expr?
  public var conditions: [Expr]
  public var vesting: Vesting?
  /// `dated: <date expression>`: the event date the law attaches the entitlement to. The policy's
  /// effective period, dated parameters and `until` are judged on it.
  public var dated: Expr?
  public var amount: Amount?
  public var limit: [Located<String>]
  public var evidence: [Located<String>]
  public var funding: String?
  public var due: Due?
  public var obligor: String?
  public var note: String?
  /// The note's English, shown with `--lang en` (`note` is the Chinese officers read).
  public var noteEn: String? = nil
  /// `may_be_null: [person.household]`: facts the rule accepts may be missing (its results are then
  /// undetermined), so `check` does not warn about them; the note says why.
  public var mayBeNull: [Located<String>] = []
  public var span: SourceSpan
  /// Where each key of the rule was written, including keys whose value did not parse: so a
  /// misplaced key is shown where it is, and a broken `amount` is not also reported missing.
  public var keySpans: [String: SourceSpan] = [:]
}

/// `about: group`: the members, a filter, and the key that splits them into subjects.
public struct GroupSpec: Sendable {
  public var of: Located<String>
  public var filter: Expr?
  public var by: [Expr]
}

/// When an entitlement vests, and the last day it may vest.
public struct Vesting: Sendable {
  /// `stable_employment: 3 months`: vests at dispatch start + duration, if not ended before.
  public var stableEmployment: Expr?
  /// `on: <date>`: vests on that date.
  public var on: Expr?
  /// Entitlements vesting after this date are ineligible (`expires` in results).
  public var until: Expr?
  public var span: SourceSpan
}

/// What a rule pays.
public enum Amount: Sendable {
  case expression(Expr)
  /// The law states no amount: the words of the clause that are silent.
  case undetermined(Located<String>)
}

/// When an obligation falls due.
public enum Due: Sendable {
  case date(Expr)
  /// Days of every month (a report "on the 15th and 30th").
  case monthly([Located<Int>])
}
