import ArgumentParser
import Foundation
import PolicyValues
import SubsidyKit

@main
struct SubsidyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "subsidy",
    abstract: "Check and evaluate labour-export subsidy policies (劳务输出补贴规则引擎).",
    version: Subsidy.version,
    subcommands: [Check.self, Eval.self, Test.self, Explain.self, Batch.self, LedgerCommand.self, Generate.self, Bench.self, Diff.self, Compare.self, Schema.self, Serve.self]
  )

  /// ArgumentParser's own `main`, except that a usage error (an unknown option, a missing argument)
  /// is written in Chinese unless `--lang en` (`UsageErrorText`). Errors of a command's run are the
  /// command's own, already in the user's language.
  static func main() async {
    let command: ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      let arguments = Array(CommandLine.arguments.dropFirst())
      let code = exitCode(for: error)
      guard code != .success else { exit(withError: error) }  // --help, --version
      // A mistyped argument may be an ID number: masked, as in every other output.
      let message = PIIMask.mask(fullMessage(for: error))
      let text = UsageErrorText.wantsEnglish(arguments) ? message : UsageErrorText.chinese(message)
      FileHandle.standardError.write(Data((text + "\n").utf8))
      Foundation.exit(code.rawValue)
    }
    do {
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        var command = command
        try command.run()
      }
    } catch {
      exit(withError: error)
    }
  }
}
