import ArgumentParser
import SubsidyKit

@main
struct SubsidyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "subsidy",
    abstract: "Check and evaluate labour-export subsidy policies (劳务输出补贴规则引擎).",
    version: Subsidy.version,
    subcommands: [Check.self, Eval.self, Test.self, Explain.self, Batch.self, LedgerCommand.self, Generate.self, Bench.self, Diff.self, Compare.self, Schema.self, Serve.self]
  )
}
