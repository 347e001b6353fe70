import PolicyEval
import PolicyValues

/// Running totals of a comparison: per beneficiary, per payee, and per policy by category, rule and
/// funding. Only these are kept while the cohort streams by, never the results themselves.
struct CompareTally {
  let rules: [[RuleInfo]]
  private let ruleIndex: [[String: Int]]
  private(set) var beneficiaries: [PartyRow] = []
  private var beneficiaryIndex: [String: Int] = [:]
  private(set) var payees: [PartyRow] = []
  private var payeeIndex: [String: Int] = [:]
  private(set) var byCategory: [[RuleCategory: PolicyFigures]]
  private(set) var byRule: [[PolicyFigures]]
  private(set) var byFunding: [[String: PolicyFigures]]
  private(set) var totals: [PolicyFigures]

  init(rules: [[RuleInfo]]) {
    self.rules = rules
    ruleIndex = rules.map { Dictionary($0.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a }) }
    byCategory = rules.map { _ in [:] }
    byRule = rules.map { $0.map { _ in PolicyFigures() } }
    byFunding = rules.map { _ in [:] }
    totals = rules.map { _ in PolicyFigures() }
  }

  var policyCount: Int { rules.count }

  /// Makes sure a person of the cohort is listed even if no policy pays them anything.
  mutating func register(person id: String, name: String?) {
    _ = beneficiarySlot(id, kind: "person", name: name)
  }

  mutating func name(_ id: String, _ name: String) {
    if let i = beneficiaryIndex[id], beneficiaries[i].name == nil { beneficiaries[i].name = name }
    if let i = payeeIndex[id], payees[i].name == nil { payees[i].name = name }
  }

  /// Payees that are also beneficiaries (a worker paid their own transport) take the name already known.
  mutating func namePayeesFromBeneficiaries() {
    for i in payees.indices where payees[i].name == nil {
      if let b = beneficiaryIndex[payees[i].id] { payees[i].name = beneficiaries[b].name }
    }
  }

  /// Counts one settled result of policy `p` (limits already applied). Refusals and non-cash results only mark the status.
  mutating func add(_ r: EvalResult, policy p: Int) {
    guard let ri = ruleIndex[p][r.rule] else { return }
    let info = rules[p][ri]
    guard info.countsAsMoney, r.status != .ineligible else { return }
    let who = r.beneficiary ?? r.subject
    let b = beneficiarySlot(who, kind: info.beneficiaryKind, name: nil)
    beneficiaries[b].figures[p].add(r.status, r.amount)
    beneficiaries[b].results[p].append(ResultBrief(rule: info.id, clause: info.clause, status: r.status, amount: r.amount))
    if let payee = r.payee {
      let i = payeeSlot(payee, kind: r.payeeKind ?? "")
      payees[i].figures[p].add(r.status, r.amount)
    }
    byCategory[p][info.category, default: PolicyFigures()].add(r.status, r.amount)
    byRule[p][ri].add(r.status, r.amount)
    byFunding[p][info.funding ?? "", default: PolicyFigures()].add(r.status, r.amount)
    totals[p].add(r.status, r.amount)
  }

  private mutating func beneficiarySlot(_ id: String, kind: String, name: String?) -> Int {
    if let i = beneficiaryIndex[id] { return i }
    beneficiaryIndex[id] = beneficiaries.count
    beneficiaries.append(PartyRow(id: id, kind: kind, name: name, figures: Array(repeating: PolicyFigures(), count: policyCount),
                                  results: Array(repeating: [], count: policyCount)))
    return beneficiaries.count - 1
  }

  private mutating func payeeSlot(_ id: String, kind: String) -> Int {
    if let i = payeeIndex[id] { return i }
    payeeIndex[id] = payees.count
    payees.append(PartyRow(id: id, kind: kind, name: nil, figures: Array(repeating: PolicyFigures(), count: policyCount),
                           results: []))
    return payees.count - 1
  }
}
