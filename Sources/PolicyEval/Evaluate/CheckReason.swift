import PolicyCheck
import PolicyValues

/// What one line of an explanation checked, as data: reports render it in plain Chinese or English from
/// the schema's labels and the rule's typed expressions, while the JSON keeps the raw expression
/// (`Check.check`) for machines.
public enum CheckReason: Sendable {
  /// A value a condition read, with its type (to name enum cases by their labels).
  public struct Witness: Sendable {
    public var value: Value
    public var type: ExprType
  }

  /// Condition `index` of the rule at `rule` (its index in the program), and the values it read.
  case condition(rule: Int, index: Int, witnesses: [Witness], value: Value)
  /// `stable_employment: N months`: start, the day it vests, and the end (nil = still employed).
  case stableEmployment(duration: String, start: CivilDate?, vests: CivilDate?, end: CivilDate?)
  /// `vesting.on`: the date, nil when not given.
  case vestsOn(expression: String, date: CivilDate?)
  /// `vesting.until`: the last day it may vest, and the day it vests.
  case vestsBy(last: CivilDate, date: CivilDate)
  /// The event falls before the policy took effect, or after it ended.
  case policyFrom(CivilDate, event: CivilDate)
  case policyUntil(CivilDate, event: CivilDate)
  /// The event date's expression read a fact that is not given.
  case eventDateNotGiven(expression: String)
  /// Another subject holds the limit's one payment.
  case limitTaken(limit: [String], holder: String)
  /// A part of the limit's key is not known.
  case limitPartUnknown(limit: [String], parts: [String])
  /// The amount rounds to 0.00.
  case amountNotPositive(String)
  /// The result is an overlay's, which supersedes its base in its area.
  case overlay(base: String, area: String)
}
