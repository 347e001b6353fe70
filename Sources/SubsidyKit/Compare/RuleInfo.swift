import PolicyCheck
import PolicyDSL

/// What the comparison needs to know about each rule of a policy, looked up by rule id.
struct RuleInfo: Sendable {
  var id: String
  var clause: String
  var kind: Rule.Kind
  var category: RuleCategory
  var funding: String?
  /// The source text of the amount, to find the parameters a changed amount reads.
  var amountText: String
  /// The entity kind of the beneficiary (`person`, `household`, `organization`), for the report.
  var beneficiaryKind: String

  init(_ rule: CheckedRule, schema: FactSchema) {
    id = rule.id
    clause = rule.syntax.clause.value
    kind = rule.kind
    category = RuleCategory.of(rule)
    funding = rule.syntax.funding
    if case .expression(let e)? = rule.syntax.amount { amountText = e.text } else { amountText = "" }
    let subject = schema.entities[rule.subject]
    if case .entity(let name)? = rule.beneficiary?.type {
      beneficiaryKind = name
    } else if rule.group != nil, case .entity(let name)? = rule.payee?.type {
      beneficiaryKind = name
    } else {
      beneficiaryKind = subject.field("person") != nil ? "person" : subject.name
    }
  }

  /// Only cash counts in totals: an entitlement's amount is a ceiling (a loan up to 100,000), not money paid.
  var countsAsMoney: Bool { kind == .payment }
}
