import ArgumentParser
import PolicySupport
import PolicyValues
import SubsidyKit

/// `subsidy explain RULE`: read a rule as an officer would say it.
struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Render a rule (policy/rule, a rule id, a whole policy id or file) in plain Chinese or English, with its clause.")

  @Argument(help: "policy/rule, a rule id, a policy id, or a policy file's path.")
  var rule: String

  @Option(help: "A policy directory or file; repeat to add overlays (default: policies).")
  var policies: [String] = []

  @Option(help: "Show parameter values in force on this date (default: today).")
  var on: String?

  @Option(help: "Language: zh or en.")
  var lang: TextReport.Language = .zh

  func run() throws {
    // A policy file's path explains that policy (an overlay with its base loaded beside it).
    let isPath = PolicyArguments.isPath(rule)
    let named = isPath ? try PolicyLoading.arguments([rule], policies: policies, language: lang.diagnostics) : PolicyArguments(ids: [rule], paths: policies)
    let (program, _) = try PolicyLoading.compile(named.paths, only: isPath ? named.ids : nil, language: lang.diagnostics)
    let name = named.ids[0]
    var date = CivilDate.today ?? CivilDate(year: 2026, month: 1, day: 1)
    if let on {
      date = try DateOption.parse(on, option: "--on", language: lang.diagnostics)
    }
    let explainer = RuleExplainer(program: program, language: lang)
    let matches = explainer.find(name)
    guard !matches.isEmpty else {
      let names = explainer.allRuleNames + explainer.allRuleNames.map { String($0.split(separator: "/").last ?? "") }
      let help = EditDistance.didYouMean(rule, among: names).map { LocalizedText($0, zh: EditDistance.didYouMeanZh(rule, among: names) ?? $0) }
      Terminal.error("no rule or policy `\(rule)`", zh: "没有规则或政策 `\(rule)`", help: help, language: lang.diagnostics)
      throw ExitCode.usage
    }
    guard let date else { throw ExitCode.inputError }
    Terminal.text(matches.map { explainer.explain($0.0, $0.1, on: date) }.joined(separator: "\n"))
  }
}
