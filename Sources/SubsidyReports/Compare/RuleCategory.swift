import PolicyCheck
import PolicyDSL

/// What kind of payment a rule makes, comparable across regions whose rules differ: the totals
/// chart groups by it, since 盈江 七（一） and 三都's 200/人 are both "paid to the organiser".
public enum RuleCategory: String, Sendable, CaseIterable {
  case organizer, employer, worker, household, groupReward = "group_reward", other

  public var label: Label {
    switch self {
    case .organizer: Label(zh: "组织服务补贴", en: "organiser subsidies")
    case .employer: Label(zh: "用工单位补贴", en: "employer subsidies")
    case .worker: Label(zh: "劳动者补贴", en: "worker subsidies")
    case .household: Label(zh: "家庭奖励", en: "household rewards")
    case .groupReward: Label(zh: "带头人规模奖励", en: "rewards for numbers organised")
    case .other: Label(zh: "其他", en: "other")
    }
  }

  /// By who is paid: a group rule rewards numbers; otherwise the payee's role in the subject.
  package static func of(_ rule: CheckedRule) -> RuleCategory {
    if rule.group != nil { return .groupReward }
    let head = rule.syntax.payee?.text.split(separator: ".").last.map(String.init) ?? ""
    switch head {
    case "organizer": return .organizer
    case "employer": return .employer
    case "person": return .worker
    case "household": return .household
    default: return .other
    }
  }
}
