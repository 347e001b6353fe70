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
  public var byRule: [String: [Status: Tally]] = [:]
  public var byFunding: [String: Tally] = [:]
  public var seconds = 0.0
  /// Results refused because the ledger already paid them.
  public var alreadyPaid = 0
  public var committed = 0

  public init() {}

  mutating func count(_ row: PayoutRow) {
    byStatus[row.status, default: Tally()].add(row.amount)
    byRule["\(row.policy) \(row.clause) \(row.rule)", default: [:]][row.status, default: Tally()].add(row.amount)
    if row.status == .payable { byFunding[row.funding.isEmpty ? "—" : row.funding, default: Tally()].add(row.amount) }
  }

  mutating func countIneligible(policy: String, clause: String, rule: String) {
    byStatus[.ineligible, default: Tally()].add(nil)
    byRule["\(policy) \(clause) \(rule)", default: [:]][.ineligible, default: Tally()].add(nil)
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
    for (rule, statuses) in byRule.sorted(by: { $0.key < $1.key }) {
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
