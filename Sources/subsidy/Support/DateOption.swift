import ArgumentParser
import PolicySupport
import PolicyValues
import SubsidyKit

/// A date option (`--as-of`, `--on`): the date, or an `错误：`/`error:` line saying why the text is
/// not one (exit 1).
enum DateOption {
  static func parse(_ text: String, option: String, language: DiagnosticLanguage) throws -> CivilDate {
    let parsed = Subsidy.parseDate(text)
    guard let date = parsed.date else {
      Terminal.error("\(option) \(parsed.problem.en)", zh: "`\(option)` 的值 \(parsed.problem.zh)", language: language)
      throw ExitCode.inputError
    }
    return date
  }
}
