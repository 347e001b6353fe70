import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicyValues

/// Counts and sums of a batch: rows read = evaluated + rejected, and results by policy, rule,
/// status and funding source. Results are grouped by what kind of rule gave them, each kind with its
/// own statuses: a qualification is met or not met and an obligation due, overdue or not applicable,
/// never "ineligible" or "payable 0".
public struct BatchSummary: Sendable {
  /// The kinds of rule, as the summary groups them.
  public enum Group: Int, Sendable, CaseIterable, Comparable {
    case payments, advances, entitlements, qualifications, obligations
    /// Subsidies, advances (returned later) and entitlements (a loan ceiling, not cash) are never summed together.
    init(_ kind: Rule.Kind) {
      switch kind {
      case .payment: self = .payments
      case .advance: self = .advances
      case .entitlement: self = .entitlements
      case .qualification: self = .qualifications
      case .obligation: self = .obligations
      }
    }
    /// Whether the group's results carry amounts.
    var hasAmounts: Bool { self == .payments || self == .advances || self == .entitlements }
    public static func < (a: Group, b: Group) -> Bool { a.rawValue < b.rawValue }
    var title: String { title(zh: false) }

    func title(zh: Bool) -> String {
      if zh {
        switch self {
        case .payments: return "补贴"
        case .advances: return "垫支（周转资金，须返还，不计入补贴）"
        case .entitlements: return "权益（贷款等非现金额度，不计入补贴）"
        case .qualifications: return "资格认定"
        case .obligations: return "义务"
        }
      }
      return switch self {
      case .payments: "payments (subsidies)"
      case .advances: "advances (revolving funds, to be returned; not subsidies)"
      case .entitlements: "entitlements (ceilings of non-cash benefits such as loans; not cash)"
      case .qualifications: "qualifications"
      case .obligations: "obligations"
      }
    }
    /// The status of a result that is not written out (conditions not met, or refused by a limit).
    var refusal: Status {
      switch self {
      case .payments, .advances, .entitlements: .ineligible
      case .qualifications: .notMet
      case .obligations: .notApplicable
      }
    }
    /// The statuses this kind of rule gives, in the order they are listed.
    var statuses: [Status] {
      switch self {
      case .payments, .advances, .entitlements: [.payable, .missingEvidence, .pending, .undetermined, .alreadyPaid, .ineligible]
      case .qualifications: [.met, .notMet]
      case .obligations: [.due, .overdue, .notApplicable]
      }
    }
  }

  public struct Tally: Sendable {
    public var count = 0
    public var amount = Fixed.zero
    mutating func add(_ a: Fixed?) {
      count += 1
      if let a, let s = amount.adding(a) { amount = s }
    }
  }

  public var rowsRead = 0
  public var rowsEvaluated = 0
  public var rowsRejected = 0
  /// Over all kinds of rule.
  public var byStatus: [Status: Tally] = [:]
  public var byGroup: [Group: [Status: Tally]] = [:]
  /// The kind of each rule (payments unless learnt otherwise).
  var groups: [RuleKey: Group] = [:]
  /// By policy and rule id; refusals are counted here too.
  public var byRule: [RuleKey: [Status: Tally]] = [:]
  /// Clause of each rule, for the report.
  var clauses: [RuleKey: String] = [:]
  public var byFunding: [String: Tally] = [:]
  public var seconds = 0.0
  /// Results refused because the ledger already paid them.
  public var alreadyPaid = 0
  public var committed = 0

  public init() {}

  public struct RuleKey: Hashable, Sendable, Comparable {
    public var policy: String
    public var rule: String
    public static func < (a: RuleKey, b: RuleKey) -> Bool { (a.policy, a.rule) < (b.policy, b.rule) }
  }

  /// A result not written out: `status` as the evaluator gave it (ineligible, not met, not
  /// applicable), or by default the refusal of the rule's kind.
  mutating func countIneligible(policy: String, rule: String, status: Status? = nil, times: Int = 1) {
    guard times > 0 else { return }
    let key = RuleKey(policy: policy, rule: rule)
    let group = groups[key] ?? .payments
    let status = status ?? group.refusal
    byStatus[status, default: Tally()].count += times
    byGroup[group, default: [:]][status, default: Tally()].count += times
    byRule[key, default: [:]][status, default: Tally()].count += times
  }

  /// Adds a chunk's refusals, counted by rule index in the parallel phase.
  mutating func countRefused(_ counts: [Int], names: [(policy: String, rule: String, clause: String)]) {
    for (i, n) in counts.enumerated() where n > 0 && i < names.count {
      countIneligible(policy: names[i].policy, rule: names[i].rule, times: n)
    }
  }

  /// The kind of each rule, so its results are counted with their own statuses.
  mutating func learnKinds(_ policies: [CheckedPolicy]) {
    for policy in policies {
      for rule in policy.rules { groups[RuleKey(policy: policy.id, rule: rule.id)] = Group(rule.kind) }
    }
  }

  mutating func learnClauses(_ names: [(policy: String, rule: String, clause: String)]) {
    for n in names { clauses[RuleKey(policy: n.policy, rule: n.rule)] = n.clause }
  }

  public var balances: Bool { rowsRead == rowsEvaluated + rowsRejected }

  /// The summary an officer reads after a run: Chinese by default, English with `--lang en`. The
  /// status codes stay in the English form (the payouts file's), the Chinese label before them.
  public func render(language: TextReport.Language = .zh) -> String {
    let zh = language == .zh
    func t(_ a: String, _ b: String) -> String { zh ? a : b }
    func status(_ s: Status) -> String { zh ? "\(s.label.zh)（\(s.rawValue)）" : s.rawValue }
    var out = t("读取 \(rowsRead) 行 = 已评估 \(rowsEvaluated) + 已拒收 \(rowsRejected)", "rows read \(rowsRead) = evaluated \(rowsEvaluated) + rejected \(rowsRejected)")
      + (balances ? "" : t("  ← 行数对不上", "  ← DOES NOT ADD UP")) + "\n"
    if seconds > 0 {
      let rate = seconds > 0 ? Int(Double(rowsRead) / seconds) : 0
      out += t("用时 \(String(format2: seconds)) 秒（每秒 \(rate) 行）\n", "time \(String(format2: seconds)) s (\(rate) rows/s)\n")
    }
    out += t("按状态统计：\n", "results by status:\n")
    for group in Group.allCases {
      guard let tallies = byGroup[group], !tallies.isEmpty else { continue }
      out += "  \(group.title(zh: zh)):\n"
      for s in group.statuses + Status.allCases.filter({ !group.statuses.contains($0) }) {
        guard let tally = tallies[s] else { continue }
        let amount = group.hasAmounts ? "  \(tally.amount.fenString.leftPadding(16))" : ""
        out += "    \(status(s).padding(zh ? 14 : 18)) \(String(tally.count).leftPadding(7))\(amount)\n"
      }
    }
    out += t("可发放补贴按资金来源：\n", "payable subsidies by funding source:\n")
    for (funding, tally) in byFunding.sorted(by: { $0.key < $1.key }) {
      out += "  \(funding.padding(18)) \(String(tally.count).leftPadding(9))  \(tally.amount.fenString.leftPadding(16))\n"
    }
    for group in Group.allCases {
      let rules = byRule.filter { (groups[$0.key] ?? .payments) == group }.sorted { $0.key < $1.key }
      guard !rules.isEmpty else { continue }
      out += group.hasAmounts
        ? t("按规则，\(group.title(zh: true))（可发放 笔数 / 金额；其他状态）：\n", "by rule, \(group.title) (payable count / amount; other statuses):\n")
        : t("按规则，\(group.title(zh: true))：\n", "by rule, \(group.title):\n")
      for (key, statuses) in rules {
        let rule = "\(key.policy) \(clauses[key] ?? "") \(key.rule)"
        if group.hasAmounts {
          let payable = statuses[.payable] ?? Tally()
          let others = statuses.filter { $0.key != .payable }.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\(status($0.key)) \($0.value.count)" }.joined(separator: t("，", ", "))
          out += "  \(rule)\n      \(status(.payable)) \(payable.count) / \(payable.amount.fenString)\(others.isEmpty ? "" : t("；", "; ") + others)\n"
        } else {
          let counts = (group.statuses + statuses.keys.filter { !group.statuses.contains($0) }.sorted { $0.rawValue < $1.rawValue })
            .map { "\(status($0)) \(statuses[$0]?.count ?? 0)" }.joined(separator: t("，", ", "))
          out += "  \(rule)\n      \(counts)\n"
        }
      }
    }
    if alreadyPaid > 0 || committed > 0 {
      out += t("台账：本次记录 \(committed) 笔，已发放过 \(alreadyPaid) 笔\n", "ledger: \(committed) payments committed, \(alreadyPaid) already paid\n")
    }
    return out
  }
}

extension String {
  func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
  func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
  package init(format2 value: Double) {
    let hundredths = Int((value * 100).rounded())
    self = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
  }
}
