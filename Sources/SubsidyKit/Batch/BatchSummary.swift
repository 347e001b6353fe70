import PolicyEval
import PolicyValues

/// Counts and sums of a batch: rows read = evaluated + rejected, and results by policy, rule,
/// status and funding source.
public struct BatchSummary: Sendable {
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
  public var byStatus: [Status: Tally] = [:]
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

  mutating func count(_ row: PayoutRow, _ rules: [RuleTerms]) {
    guard row.ruleIndex >= 0, row.ruleIndex < rules.count else { return }
    let info = rules[row.ruleIndex]
    byStatus[row.status, default: Tally()].add(row.amount)
    byRule[RuleKey(policy: info.policy, rule: info.rule), default: [:]][row.status, default: Tally()].add(row.amount)
    if row.status == .payable { byFunding[info.funding.isEmpty ? "—" : info.funding, default: Tally()].add(row.amount) }
  }

  mutating func countIneligible(_ info: RuleTerms) { countIneligible(policy: info.policy, rule: info.rule) }

  mutating func countIneligible(policy: String, rule: String, times: Int = 1) {
    guard times > 0 else { return }
    byStatus[.ineligible, default: Tally()].count += times
    byRule[RuleKey(policy: policy, rule: rule), default: [:]][.ineligible, default: Tally()].count += times
  }

  /// Adds a chunk's refusals, counted by rule index in the parallel phase.
  mutating func countRefused(_ counts: [Int], names: [(policy: String, rule: String, clause: String)]) {
    for (i, n) in counts.enumerated() where n > 0 && i < names.count {
      countIneligible(policy: names[i].policy, rule: names[i].rule, times: n)
    }
  }

  mutating func learnClauses(_ names: [(policy: String, rule: String, clause: String)]) {
    for n in names { clauses[RuleKey(policy: n.policy, rule: n.rule)] = n.clause }
  }

  public var balances: Bool { rowsRead == rowsEvaluated + rowsRejected }

  /// The summary an officer reads after a run.
  public func render() -> String {
    var out = "rows read \(rowsRead) = evaluated \(rowsEvaluated) + rejected \(rowsRejected)\(balances ? "" : "  ← DOES NOT ADD UP")\n"
    if seconds > 0 {
      let rate = seconds > 0 ? Int(Double(rowsRead) / seconds) : 0
      out += "time \(String(format2: seconds)) s (\(rate) rows/s)\n"
    }
    out += "results by status:\n"
    for status in Status.allCases {
      guard let t = byStatus[status] else { continue }
      out += "  \(status.rawValue.padding(18)) \(String(t.count).leftPadding(9))  \(t.amount.fenString.leftPadding(16))\n"
    }
    out += "payable by funding source:\n"
    for (funding, t) in byFunding.sorted(by: { $0.key < $1.key }) {
      out += "  \(funding.padding(18)) \(String(t.count).leftPadding(9))  \(t.amount.fenString.leftPadding(16))\n"
    }
    out += "by rule (payable count / amount; other statuses):\n"
    for (key, statuses) in byRule.sorted(by: { $0.key < $1.key }) {
      let rule = "\(key.policy) \(clauses[key] ?? "") \(key.rule)"
      let payable = statuses[.payable] ?? Tally()
      let others = statuses.filter { $0.key != .payable }.sorted { $0.key.rawValue < $1.key.rawValue }
        .map { "\($0.key.rawValue) \($0.value.count)" }.joined(separator: ", ")
      out += "  \(rule)\n      payable \(payable.count) / \(payable.amount.fenString)\(others.isEmpty ? "" : "; \(others)")\n"
    }
    if alreadyPaid > 0 || committed > 0 { out += "ledger: \(committed) payments committed, \(alreadyPaid) already paid\n" }
    return out
  }
}

extension String {
  func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
  func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
  init(format2 value: Double) {
    let hundredths = Int((value * 100).rounded())
    self = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
  }
}
