import ArgumentParser
import PolicySupport
import SubsidyKit

/// `subsidy diff A B`: what changed from one policy (or version) to another, rule by rule, in plain words.
struct Diff: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show what differs between two policies or policy versions: parameters, conditions, amounts, periods, evidence.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  @Argument(help: "The earlier (or reference) policy: an id, or a policy file's path.")
  var from: String

  @Argument(help: "The later (or compared) policy: an id, or a policy file's path (an overlay loads its base beside it or from --policies).")
  var to: String

  @Option(help: "A policy directory or file; repeat to add overlays, e.g. --policies policies --policies examples/variants (default: policies).")
  var policies: [String] = []

  @Option(help: "Output: text or json.")
  var format: Format = .text

  @Option(help: "Language: zh or en.")
  var lang: TextReport.Language = .zh

  func run() throws {
    let named = try PolicyLoading.arguments([from, to], policies: policies, language: lang.diagnostics)
    guard named.ids[0] != named.ids[1] else {
      let id = named.ids[0]
      Terminal.error("`\(from)` and `\(to)` are both policy `\(id)`: diff compares two policies loaded together, by id",
                     zh: "`\(from)` 和 `\(to)` 都是政策 `\(id)`：`diff` 按政策编号比较一同加载的两个政策",
                     help: LocalizedText("give the edited copy its own `id` (e.g. `\(id)-draft`), or write it as an overlay with `extends: \(id)`",
                                         zh: "请给修改后的副本另起一个 `id`（例如 `\(id)-draft`），或把它写成带 `extends: \(id)` 的覆盖文件"),
                     language: lang.diagnostics)
      throw ExitCode.usage
    }
    let (program, _) = try PolicyLoading.compile(named.paths, only: named.ids, language: lang.diagnostics)
    let checked = program.checkedPolicies
    guard let a = checked.first(where: { $0.id == named.ids[0] }), let b = checked.first(where: { $0.id == named.ids[1] }) else {
      Terminal.error("both `\(from)` and `\(to)` must be loaded", zh: "`\(from)` 和 `\(to)` 都必须已加载", language: lang.diagnostics)
      throw ExitCode.usage
    }
    // Differences are the answer, not a failure: exit 0 either way.
    let diff = PolicyDiffer(schema: program.schema, language: lang).diff(a, b)
    switch format {
    case .text: Terminal.text(DiffText.render(diff, language: lang))
    case .json: Terminal.out(DiffJSON.document(diff).serialized() + "\n")
    }
  }
}
