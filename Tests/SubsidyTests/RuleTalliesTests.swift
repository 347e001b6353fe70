import PolicyEval
import PolicyValues
@testable import SubsidyKit
import Testing

/// `RuleTallies` counts a batch's results by rule index and folds them into the summary at the end:
/// the summary must be what counting each result into its name-keyed tables gives (the reference
/// below is the per-result counting the batch did before).
@Suite struct RuleTalliesTests {
  /// Each status has its own column: a new status, or the cases reordered, must not share one.
  @Test func everyStatusHasItsOwnColumn() {
    let columns = Status.allCases.map(RuleTallies.column)
    #expect(columns == Array(0..<Status.allCases.count))
  }

  @Test func foldingGivesWhatCountingEachResultGives() {
    let rules = [
      RuleTerms(policy: "a", rule: "transport", clause: "一", funding: "就业补助资金", limit: []),
      RuleTerms(policy: "a", rule: "loan", clause: "二", funding: "", limit: []),
      RuleTerms(policy: "b", rule: "transport", clause: "三", funding: "", limit: []),
      RuleTerms(policy: "b", rule: "checkup", clause: "四", funding: "县财政", limit: []),
    ]
    var kinds = BatchSummary()
    kinds.groups[.init(policy: "a", rule: "loan")] = .entitlements
    kinds.groups[.init(policy: "b", rule: "checkup")] = .qualifications
    var tallies = RuleTallies(ruleCount: rules.count)
    var expected = kinds
    var state: UInt64 = 11
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % n
    }
    for step in 0..<5_000 {
      // Indices out of range are not counted, as before.
      let rule = next(rules.count + 1) - (step % 97 == 0 ? 2 : 0)
      let status = Status.allCases[next(Status.allCases.count)]
      switch next(3) {
      case 0:
        let amount = next(4) == 0 ? nil : Fixed(raw: Int64(next(5_000_000)) * 100)
        var row = PayoutRow(ruleIndex: rule, subject: "D\(step)", beneficiary: "", payee: "", amount: amount, status: status, eligibleFrom: nil,
                            expires: nil, missingEvidence: "", ruleDate: CivilDate(year: 2025, month: 1, day: 1)!, slot: nil, explanationJSON: nil, shownJSON: nil)
        row.line = step
        tallies.count(row)
        Self.referenceCount(row, rules, into: &expected)
      case 1:
        // The statuses of results the batch does not write.
        let refusal = [Status.ineligible, .notMet, .notApplicable][next(3)]
        tallies.countIneligible(rule: rule, status: refusal)
        if rule >= 0, rule < rules.count { expected.countIneligible(policy: rules[rule].policy, rule: rules[rule].rule, status: refusal) }
      default:
        tallies.countLimitLoser(rule: rule)
        if rule >= 0, rule < rules.count { expected.countIneligible(policy: rules[rule].policy, rule: rules[rule].rule) }
      }
    }
    var folded = kinds
    tallies.fold(into: &folded, rules: rules)
    #expect(Self.table(folded.byStatus) == Self.table(expected.byStatus))
    #expect(Self.table(folded.byFunding) == Self.table(expected.byFunding))
    #expect(folded.byGroup.mapValues(Self.table) == expected.byGroup.mapValues(Self.table))
    #expect(folded.byRule.mapValues(Self.table) == expected.byRule.mapValues(Self.table))
    #expect(!expected.byRule.isEmpty && !expected.byFunding.isEmpty)

    // Folded once: a second fold adds nothing.
    tallies.fold(into: &folded, rules: rules)
    #expect(folded.byRule.mapValues(Self.table) == expected.byRule.mapValues(Self.table))
  }

  /// What `BatchSummary.count` did for each result written.
  private static func referenceCount(_ row: PayoutRow, _ rules: [RuleTerms], into summary: inout BatchSummary) {
    guard row.ruleIndex >= 0, row.ruleIndex < rules.count else { return }
    let info = rules[row.ruleIndex]
    let key = BatchSummary.RuleKey(policy: info.policy, rule: info.rule)
    summary.byStatus[row.status, default: .init()].add(row.amount)
    summary.byGroup[summary.groups[key] ?? .payments, default: [:]][row.status, default: .init()].add(row.amount)
    summary.byRule[key, default: [:]][row.status, default: .init()].add(row.amount)
    if row.status == .payable, (summary.groups[key] ?? .payments) == .payments {
      summary.byFunding[info.funding.isEmpty ? "—" : info.funding, default: .init()].add(row.amount)
    }
  }

  private static func table<Key: Hashable>(_ tallies: [Key: BatchSummary.Tally]) -> [Key: [Int64]] {
    tallies.mapValues { [Int64($0.count), $0.amount.raw] }
  }
}
