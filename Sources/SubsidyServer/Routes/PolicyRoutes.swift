import Hummingbird
import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues
import SubsidyKit

/// `GET /v1/policies`, `/v1/policies/{id}` and `/v1/policies/{id}/rules/{rule}`: the policies being
/// served, their parameters with the dates they hold from, and each rule in plain words as
/// `subsidy explain` says it (`?lang=`, `?on=` for the parameter values shown, default today).
struct PolicyRoutes: Sendable {
  let store: PolicyStore

  func list(_ request: Request) throws -> Response {
    let policies = store.snapshot.program.checkedPolicies
    return Respond.json(.object([("policies", .array(policies.map(Self.summary)))]))
  }

  func policy(_ request: Request, context: some RequestContext) throws -> Response {
    let (language, date) = try Self.wording(request)
    let snapshot = store.snapshot
    let policy = try Self.find(try RequestInput.id(context, "id"), in: snapshot)
    let explainer = RuleExplainer(program: snapshot.program, language: language)
    guard case .object(var pairs) = Self.summary(policy) else { return Respond.json(.null) }
    pairs += [
      ("lang", .string(language.rawValue)), ("on", .string(date.description)),
      ("parameters", .array(policy.syntax.parameters.map(Self.parameter))),
      ("rules", .array(policy.rules.map { Self.rule($0, of: policy, explainer: explainer, on: date) })),
    ]
    return Respond.json(.object(pairs))
  }

  func rule(_ request: Request, context: some RequestContext) throws -> Response {
    let (language, date) = try Self.wording(request)
    let snapshot = store.snapshot
    let policy = try Self.find(try RequestInput.id(context, "id"), in: snapshot)
    let id = try RequestInput.id(context, "rule")
    guard let rule = policy.rules.first(where: { $0.id == id }) else {
      throw Problem.notFound("unknown-rule", "policy `\(policy.id)` has no rule `\(id)`",
                             help: EditDistance.didYouMean(id, among: policy.rules.map(\.id)))
    }
    let explainer = RuleExplainer(program: snapshot.program, language: language)
    guard case .object(var pairs) = Self.rule(rule, of: policy, explainer: explainer, on: date) else { return Respond.json(.null) }
    pairs.insert(("policy", .string(policy.id)), at: 0)
    pairs.insert(("lang", .string(language.rawValue)), at: 1)
    return Respond.json(.object(pairs))
  }

  static func wording(_ request: Request) throws -> (TextReport.Language, CivilDate) {
    let language = try RequestInput.language(request)
    guard let date = try RequestInput.date(request, "on") ?? CivilDate.today else {
      throw Problem.badRequest("bad-date", "today's date cannot be read from the clock; give `?on=YYYY-MM-DD`")
    }
    return (language, date)
  }

  static func find(_ id: String, in snapshot: PolicySnapshot) throws -> CheckedPolicy {
    let policies = snapshot.program.checkedPolicies
    guard let policy = policies.first(where: { $0.id == id }) else {
      throw Problem.notFound("unknown-policy", "no policy `\(id)` is served", help: EditDistance.didYouMean(id, among: policies.map(\.id)))
    }
    return policy
  }

  static func summary(_ p: CheckedPolicy) -> JSON {
    let s = p.syntax
    return .object([
      ("id", .string(p.id)), ("title", .string(s.title)), ("issuer", .string(s.document.issuer)),
      ("number", .optional(s.document.number)), ("date", .optional(s.document.date?.description)),
      ("jurisdiction", .string(s.jurisdiction.value)),
      ("effective_from", .optional(s.effectiveFrom?.value.description)), ("effective_until", .optional(s.effectiveUntil?.value.description)),
      ("extends", .optional(s.extends?.value)), ("rule_count", .number(String(p.rules.count))),
    ])
  }

  /// A parameter as the policy writes it: each value with the date it holds from (`null` ends it).
  static func parameter(_ p: Parameter) -> JSON {
    .object([
      ("name", .string(p.name.value)), ("type", .string(p.type.value.rawValue)), ("by", .optional(p.by?.value)),
      ("unit", .optional(p.unit)), ("clause", .optional(p.clause)), ("note", .optional(p.note)),
      ("values", .array(p.values.map { dated in
        let value: JSON
        switch dated.value {
        case nil: value = .null
        case .scalar(let text)?: value = .string(text.value)
        case .table(let rows)?: value = .object(rows.map { ($0.key.value, .string($0.value.value)) })
        }
        return .object([("from", .string(dated.from.value.description)), ("value", value)])
      })),
    ])
  }

  static func rule(_ r: CheckedRule, of policy: CheckedPolicy, explainer: RuleExplainer, on date: CivilDate) -> JSON {
    let s = r.syntax
    return .object([
      ("id", .string(r.id)), ("clause", .string(s.clause.value)), ("kind", .string(r.kind.rawValue)),
      ("about", .string(s.about.value)), ("text", .string(s.text)), ("note", .optional(s.note)), ("funding", .optional(s.funding)),
      ("evidence", .array(s.evidence.map { .string($0.value) })),
      ("plain", .string(explainer.explain(policy, r, on: date))),
    ])
  }
}
