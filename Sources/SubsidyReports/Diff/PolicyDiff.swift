/// What differs between two policies (or two versions of one), as plain-language lines.
///
/// Each change keeps both the words an analyst reads (`line`) and its parts (`field`, `before`,
/// `after`, `from`), so the text report and the JSON say the same thing and a script can still
/// filter by rule or field without parsing sentences.
public struct PolicyDiff: Sendable {
  /// One side of the comparison: the policy's id and title.
  public struct Side: Sendable {
    public var id: String
    public var title: String
  }

  /// Where a change sits: the policy's own description, a parameter, or a rule.
  public enum Section: String, Sendable {
    case metadata, parameter, rule
  }

  public enum Change: String, Sendable {
    case added, removed, changed
  }

  /// One difference. `subject` is the parameter or rule id (empty for metadata).
  public struct Entry: Sendable {
    public var section: Section
    public var subject: String
    /// The clause the parameter or rule cites, when it has one.
    public var clause: String?
    public var change: Change
    /// What changed inside the subject: `amount`, `conditions`, `vesting.until`, `values.in_county`…
    public var field: String
    /// Plain words for the old and new state (nil when added or removed).
    public var before: String?
    public var after: String?
    /// The date from which a dated value differs (parameter values, amounts that read them).
    public var from: String?
    /// The whole line in the report's language.
    public var line: String
  }

  public var from: Side
  public var to: Side
  public var entries: [Entry]
  public var isEmpty: Bool { entries.isEmpty }
}
