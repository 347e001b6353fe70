import PolicyEval
import PolicyValues

/// Everything `subsidy compare` found, independent of how it is shown (text, CSV, JSON, HTML).
public struct CompareReport: Sendable {
  /// A compared policy and how the cohort was made local to it.
  public struct PolicyInfo: Sendable {
    public var id: String
    public var title: String
    public var jurisdiction: String
    /// The 户籍 given to workers from outside the jurisdiction.
    public var home: String

    package init(id: String, title: String, jurisdiction: String, home: String) {
      self.id = id
      self.title = title
      self.jurisdiction = jurisdiction
      self.home = home
    }
  }

  public var input: String
  public var asOf: CivilDate
  public var policies: [PolicyInfo]
  public var beneficiaries: [PartyRow]
  public var payees: [PartyRow]
  public var totals: [PolicyFigures]
  public var byCategory: [[RuleCategory: PolicyFigures]]
  /// Per policy, each rule with its figures, in the policy's order.
  public var byRule: [[(rule: String, clause: String, figures: PolicyFigures)]]
  /// Per policy, each funding source (empty string: none named) with its figures.
  public var byFunding: [[(funding: String, figures: PolicyFigures)]]
  /// The first policy against each other one.
  public var pairs: [PairChanges]
  public var rowsRead = 0
  public var rowsRejected = 0
  /// The first rejected rows of a CSV, for the report.
  public var rejects: [Reject] = []
  /// Categories any policy paid or awaits money under, in the enum's order: the chart's series.
  public var categories: [RuleCategory] {
    RuleCategory.allCases.filter { c in byCategory.contains { $0[c] != nil } }
  }

  /// What the compare runner builds; the counts of rows and the rejects are set once the cohort is read.
  package init(input: String, asOf: CivilDate, policies: [PolicyInfo], beneficiaries: [PartyRow], payees: [PartyRow], totals: [PolicyFigures],
               byCategory: [[RuleCategory: PolicyFigures]], byRule: [[(rule: String, clause: String, figures: PolicyFigures)]],
               byFunding: [[(funding: String, figures: PolicyFigures)]], pairs: [PairChanges]) {
    self.input = input
    self.asOf = asOf
    self.policies = policies
    self.beneficiaries = beneficiaries
    self.payees = payees
    self.totals = totals
    self.byCategory = byCategory
    self.byRule = byRule
    self.byFunding = byFunding
    self.pairs = pairs
  }
}

/// Who gains and who loses going from policy `from` to policy `to`.
public struct PairChanges: Sendable {
  public var from: Int
  public var to: Int
  /// Sorted by the size of the change, largest first, then by id.
  public var gainers: [Change]
  public var losers: [Change]
  public var gained: Fixed
  public var lost: Fixed
  public var unchanged: Int

  package init(from: Int, to: Int, gainers: [Change], losers: [Change], gained: Fixed, lost: Fixed, unchanged: Int) {
    self.from = from
    self.to = to
    self.gainers = gainers
    self.losers = losers
    self.gained = gained
    self.lost = lost
    self.unchanged = unchanged
  }
}

/// One beneficiary whose payable amount differs between two policies, and why.
public struct Change: Sendable {
  /// Index into `CompareReport.beneficiaries`.
  public var beneficiary: Int
  public var delta: Fixed
  /// Filled for the largest changes (`--detail`): both sides' results with their reasons.
  public var reason: ChangeReason?

  package init(beneficiary: Int, delta: Fixed, reason: ChangeReason? = nil) {
    self.beneficiary = beneficiary
    self.delta = delta
    self.reason = reason
  }
}

/// The two explanations side by side, and the first thing that differs between them.
public struct ChangeReason: Sendable {
  public struct Line: Sendable {
    public var rule: String
    public var clause: String
    public var subject: String
    public var status: Status
    public var amount: Fixed?
    /// The first condition that failed, with the value it saw (ineligible results).
    public var failed: Check?

    package init(rule: String, clause: String, subject: String, status: Status, amount: Fixed?, failed: Check?) {
      self.rule = rule
      self.clause = clause
      self.subject = subject
      self.status = status
      self.amount = amount
      self.failed = failed
    }
  }

  /// What first tells the two sides apart.
  public enum Difference: Sendable {
    /// The same rule on the same subject, and a condition that holds on one side only.
    case condition(rule: String, subject: String, from: Check?, to: Check?)
    /// The same rule pays on both sides, a different amount (with the parameter lines that changed).
    case amount(rule: String, subject: String, from: Fixed?, to: Fixed?, parameters: [String])
    /// The same rule, eligible on both sides for the same amount, but not equally far: pending on one
    /// side (vesting later), payable on the other; with each side's vesting date.
    case status(rule: String, subject: String, from: Status, to: Status, fromDate: CivilDate?, toDate: CivilDate?)
    /// Different rules: the condition that stops the side that pays less.
    case refusal(policy: Int, rule: String, subject: String, check: Check)
    /// The side that pays less has no rule for this subject at all.
    case noRule(policy: Int)
  }

  public var from: [Line]
  public var to: [Line]
  public var difference: Difference?

  package init(from: [Line], to: [Line], difference: Difference?) {
    self.from = from
    self.to = to
    self.difference = difference
  }
}
