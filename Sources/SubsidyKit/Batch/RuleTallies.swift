import PolicyEval
import PolicyValues

/// A batch's results counted by rule index and status while the chunks are merged, and folded into
/// the summary's tables (keyed by policy and rule names) once, when the run ends.
///
/// `BatchSummary.count` hashed the policy and rule names into three or four dictionaries for every
/// result written: a twentieth of the merging thread's time, most of it in the end phase, where the
/// workers wait for it. Here a result is one add into an array; the names are looked at once per rule.
struct RuleTallies {
  private static let statuses = Status.allCases
  private static let statusCount = Status.allCases.count
  /// `ruleCount × statusCount` tallies; a status's column is its place in `Status.allCases`.
  private var tallies: [BatchSummary.Tally]
  /// Per rule, its claims that lost their limit to another: refused with the status of the rule's
  /// kind, which the summary knows (`BatchSummary.countIneligible(policy:rule:times:)`).
  private var limitLosers: [Int]
  private let ruleCount: Int

  init(ruleCount: Int) {
    self.ruleCount = max(0, ruleCount)
    tallies = Array(repeating: BatchSummary.Tally(), count: self.ruleCount * Self.statusCount)
    limitLosers = Array(repeating: 0, count: self.ruleCount)
  }

  @inline(__always)
  static func column(_ status: Status) -> Int {
    switch status {
    case .payable: 0
    case .missingEvidence: 1
    case .pending: 2
    case .undetermined: 3
    case .alreadyPaid: 4
    case .ineligible: 5
    case .met: 6
    case .notMet: 7
    case .due: 8
    case .overdue: 9
    case .notApplicable: 10
    }
  }

  /// A result written out (as `BatchSummary.count`); one of an unknown rule is not counted, as there.
  mutating func count(_ row: PayoutRow) {
    guard row.ruleIndex >= 0, row.ruleIndex < ruleCount else { return }
    tallies[row.ruleIndex * Self.statusCount + Self.column(row.status)].add(row.amount)
  }

  /// A result not written out, with the status the evaluator gave it (ineligible, not met, not
  /// applicable: never payable, so it is not counted by funding source), as
  /// `BatchSummary.countIneligible(policy:rule:status:)`.
  mutating func countIneligible(rule: Int, status: Status, count: Int = 1) {
    guard rule >= 0, rule < ruleCount else { return }
    tallies[rule * Self.statusCount + Self.column(status)].count += count
  }

  /// A claim of rule `rule` that lost its limit to another.
  mutating func countLimitLoser(rule: Int) {
    guard rule >= 0, rule < ruleCount else { return }
    limitLosers[rule] += 1
  }

  /// Adds every count to `summary`'s tables, as counting each result there would have, and empties
  /// itself.
  mutating func fold(into summary: inout BatchSummary, rules: [RuleTerms]) {
    for rule in 0..<min(ruleCount, rules.count) {
      for (column, status) in Self.statuses.enumerated() {
        let tally = tallies[rule * Self.statusCount + column]
        guard tally.count > 0 else { continue }
        summary.add(tally, policy: rules[rule].policy, rule: rules[rule].rule, funding: rules[rule].funding, status: status)
      }
      summary.countIneligible(policy: rules[rule].policy, rule: rules[rule].rule, times: limitLosers[rule])
    }
    tallies = Array(repeating: BatchSummary.Tally(), count: tallies.count)
    limitLosers = Array(repeating: 0, count: ruleCount)
  }
}

extension BatchSummary {
  /// Adds a rule's tally for one status to every table, as `count` does a result at a time.
  mutating func add(_ tally: Tally, policy: String, rule: String, funding: String, status: Status) {
    let key = RuleKey(policy: policy, rule: rule)
    let group = groups[key] ?? .payments
    byStatus[status, default: Tally()].merge(tally)
    byGroup[group, default: [:]][status, default: Tally()].merge(tally)
    byRule[key, default: [:]][status, default: Tally()].merge(tally)
    if status == .payable, group == .payments {
      byFunding[funding.isEmpty ? "—" : funding, default: Tally()].merge(tally)
    }
  }
}

extension BatchSummary.Tally {
  /// Another tally's count and amount added to this one.
  mutating func merge(_ other: BatchSummary.Tally) {
    count += other.count
    if let sum = amount.adding(other.amount) { amount = sum }
  }
}
