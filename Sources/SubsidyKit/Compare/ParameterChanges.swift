/// The parameter lines of `subsidy diff` between the first policy and each other one, by parameter
/// name: when the same rule pays a different amount, these name the value that changed.
public struct ParameterChanges: Sendable {
  /// Per compared policy (index), parameter name → the diff's lines about it.
  private let byPolicy: [[String: [String]]]
  /// Per compared policy, rule id → the source text of its amount.
  private let amounts: [[String: String]]

  init(policies: [ComparedPolicy], language: TextReport.Language) {
    amounts = policies.map { p in
      Dictionary(p.checked.rules.map { ($0.id, RuleInfo($0, schema: p.program.schema).amountText) }, uniquingKeysWith: { a, _ in a })
    }
    guard let first = policies.first else {
      byPolicy = []
      return
    }
    let differ = PolicyDiffer(schema: first.program.schema, language: language)
    byPolicy = policies.map { other in
      var lines: [String: [String]] = [:]
      for entry in differ.diff(first.checked, other.checked).entries where entry.section == .parameter && entry.field.hasPrefix("values") {
        lines[entry.subject, default: []].append(entry.line)
      }
      return lines
    }
  }

  /// Lines about the parameters `amountText` reads (`param.service_subsidy`), for policy `k` against the first.
  func lines(_ k: Int) -> [String: [String]] { k < byPolicy.count ? byPolicy[k] : [:] }

  func amountTexts(_ k: Int) -> [String: String] { k < amounts.count ? amounts[k] : [:] }
}
