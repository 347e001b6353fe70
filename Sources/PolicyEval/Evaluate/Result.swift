import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues

/// What a result says about payment. Names are those of shared/domain.md.
public enum Status: String, Sendable, Codable, CaseIterable {
  case payable, missingEvidence = "missing_evidence", pending, undetermined, alreadyPaid = "already_paid", ineligible
  /// Qualifications.
  case met, notMet = "not_met"
  /// Obligations.
  case due, overdue, notApplicable = "not_applicable"

  public var label: Label {
    switch self {
    case .payable: Label(zh: "可发放", en: "payable")
    case .missingEvidence: Label(zh: "缺少材料", en: "missing evidence")
    case .pending: Label(zh: "待生效", en: "pending")
    case .undetermined: Label(zh: "金额未定", en: "undetermined")
    case .alreadyPaid: Label(zh: "已发放", en: "already paid")
    case .ineligible: Label(zh: "不符合条件", en: "ineligible")
    case .met: Label(zh: "符合", en: "met")
    case .notMet: Label(zh: "不符合", en: "not met")
    case .due: Label(zh: "待履行", en: "due")
    case .overdue: Label(zh: "已逾期", en: "overdue")
    case .notApplicable: Label(zh: "不适用", en: "not applicable")
    }
  }

  /// Which claim keeps a limit's one payment: lower wins (already paid, payable, missing evidence…).
  public var claimRank: Int {
    switch self {
    case .alreadyPaid: 0
    case .payable: 1
    case .missingEvidence: 2
    case .undetermined: 3
    case .pending: 4
    default: 9
    }
  }

  /// Statuses that count against a limit ("once per worker per year").
  public var claimsLimit: Bool { [.payable, .missingEvidence, .pending, .undetermined, .alreadyPaid].contains(self) }
}

/// One line of an explanation: a condition, the value it saw, and whether it held.
public struct Check: Sendable, Equatable {
  public var check: String
  public var value: String
  public var holds: Bool
  public var span: SourceSpan?
  /// The same line as data, for reports that render it in plain words.
  public var reason: CheckReason?
  public init(check: String, value: String, holds: Bool, span: SourceSpan? = nil, reason: CheckReason? = nil) {
    self.check = check
    self.value = value
    self.holds = holds
    self.span = span
    self.reason = reason
  }

  public static func == (a: Check, b: Check) -> Bool { (a.check, a.value, a.holds, a.span) == (b.check, b.value, b.holds, b.span) }
}

/// The outcome of one rule for one subject.
public struct EvalResult: Sendable {
  public var policy: String
  public var rule: String
  public var clause: String
  public var kind: Rule.Kind
  public var subject: String
  public var beneficiary: String?
  public var payee: String?
  /// Kind of the payee entity (`organization`, `person`…), for reports.
  public var payeeKind: String?
  public var amount: Fixed?
  public var status: Status
  public var eligibleFrom: CivilDate?
  public var expires: CivilDate?
  public var due: CivilDate?
  public var evidence: [(id: String, provided: Bool)]
  public var funding: String?
  /// Who must act, for obligations.
  public var obligor: String?
  public var explanation: [Check]
  /// Why the result is undetermined (a silent clause, a table gap, a fact the event date needs…).
  public var undetermined: Undetermined?
  /// The reason as the JSON states it: `clause: sentence` in English.
  public var undeterminedReason: String? { undetermined.map { "\(clause): \($0.text(chinese: false))" } }
  /// The date parameters and limits were judged at (vesting date or as_of).
  public var ruleDate: CivilDate
  /// For rules with a `limit`: the one-payment slot this result claims (nil when a part is not known).
  public var limitSlot: LimitSlot?
  /// The key at most one payment may have (`policy|rule|P1|2024`), from `limitSlot`. Written for
  /// explained results (what `eval`, the server and the ledger read); a batch's unexplained results
  /// carry `limitSlot` only, and a batch builds the key from the slot (`PayoutRow.key`).
  public var limitKey: String?
  /// What the ledger pays once: the limit key, or `policy|rule|subject|payee` for unlimited rules
  /// (of an explained result: see `limitKey`).
  public var idempotencyKey: String { limitKey ?? LimitSlot.unlimitedKey(policy: policy, rule: rule, subject: subject, payee: payee) }
  /// Where this claim stands against others for one limit slot.
  public var claimOrder: ClaimOrder { ClaimOrder(status: status, date: ruleDate, subject: subject) }
  /// The period a payment is for: the limit's year, `once`, or the subject.
  public var period: String
  /// False when the rule's event date could not be read (a null field): no year-based limit key then.
  public var eventDateKnown = true
  /// The rule's position in the program (see `Program.ruleNames`).
  public var ruleIndex = -1
  /// The subject's record in its table, for a batch's results about records (-1 when not set): a
  /// batch chunk may hold two records of one id (a person given two ID numbers), so the id alone
  /// does not say which record a result is about.
  public var record = -1
  public var missingEvidence: [String] { evidence.filter { !$0.provided }.map(\.id) }
}
