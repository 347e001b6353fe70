import PolicyDSL
import PolicySupport

extension RuleChecker {
  /// In a group rule the payee and beneficiary are read from the group's first member, so they
  /// are only well defined when every member has the same one: the party must be part of `by`.
  /// Paths are compared after resolution, so `organizer` matches `dispatch.organizer`.
  static func checkGroupParties(_ rule: Rule, group: CheckedGroup?, payee: TypedExpr?, beneficiary: TypedExpr?,
                                into d: inout DiagnosticBag) {
    guard let group, let spec = rule.group, group.by.count == spec.by.count else { return }
    let keys: [[FieldStep]] = group.by.compactMap { if case .field(let steps) = $0.node { steps } else { nil } }
    for (party, what) in [(payee, "payee"), (beneficiary, "beneficiary")] {
      guard let party else { continue }
      if case .field(let steps) = party.node, keys.contains(steps) { continue }
      d.add(.error("party-not-in-group-key", "the \(what) `\(party.source.text)` is not part of the group's `by`, so members could disagree on it",
                   zh: "\(ChinesePhrase.zh(what)) `\(party.source.text)` 不在该组的 `by` 中，组内成员的\(ChinesePhrase.zh(what))可能不一致",
                   at: party.source.span,
                   help: "add `\(party.source.text)` to `group.by`, so every member of a group has the same \(what)",
                   helpZh: "请把 `\(party.source.text)` 加入 `group.by`，使组内每个成员的\(ChinesePhrase.zh(what))相同"))
    }
  }
}
