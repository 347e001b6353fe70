import PolicyCheck
import PolicySupport

/// The three-valued conjunction of a rule's conditions (docs/language.md, "Null and undetermined").
///
/// A condition that is false, or unknown because a fact is not given, refuses the rule (ineligible):
/// nothing is paid on facts that are not there. One the law leaves undetermined (an ended parameter,
/// a gap in a rate table) does not refuse it: the result is undetermined, with the reason.
struct Verdict {
  /// Some condition is false or unknown.
  private(set) var refused = false
  /// The first undetermined condition's reason.
  private(set) var undetermined: Undetermined?

  mutating func add(_ value: Value) {
    switch value {
    case .bool(true): break
    case .undetermined(let why): if undetermined == nil { undetermined = why }
    default: refused = true
    }
  }

  /// Every condition holds (for qualifications and obligations, where undetermined cannot be reported).
  var holds: Bool { !refused && undetermined == nil }
}

extension CheckedRule {
  /// Where the rule's event date is written: its `dated:`, its `vesting`, or the rule itself.
  var eventDateSpan: SourceSpan? {
    if let dated = syntax.dated { return dated.span }
    return syntax.vesting?.span ?? syntax.span
  }
}
