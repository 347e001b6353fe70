import ArgumentParser
import Foundation
import PolicySupport
import SubsidyKit
import SubsidySynthetic

/// `subsidy generate --rows N`: a reproducible synthetic batch CSV for load tests.
///
/// Writes only the CSV to stdout (or `--out`), so it can be piped straight into
/// `subsidy batch`; anything else goes to stderr.
struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write a synthetic batch CSV (contract columns) for all five regions: same seed, same bytes.")

  @Option(help: "Number of data rows (dispatches), not counting the header.")
  var rows: Int

  @Option(help: "Seed of the generator; the same seed gives the same file.")
  var seed: UInt64 = 1

  @Option(name: .customLong("bad-rate"), help: "Fraction of rows with one defect each (0…1); their dispatch_id starts with X.")
  var badRate: Double = 0.001

  @Option(help: "Write to this file instead of stdout.")
  var out: String?

  @Flag(help: "Write as Excel saves CSV UTF-8: a byte-order mark and CRLF line ends.")
  var excel = false

  @Option(help: "The language of error messages: zh (default) or en. The CSV keeps the contract's names.")
  var lang: TextReport.Language = .zh

  func validate() throws {
    guard rows >= 0 else { throw ValidationError("--rows must be 0 or more, got \(rows)") }
    guard badRate.isFinite, (0...1).contains(badRate) else {
      throw ValidationError("--bad-rate is a fraction from 0 to 1, got \(badRate)")
    }
  }

  func run() throws {
    let population = SyntheticPopulation(seed: seed, badRowRate: badRate)
    do {
      // A file is written beside its destination and renamed into place only when complete.
      let file = try out.map(OutputFile.init)
      try population.writeCSV(rows: rows, to: file?.handle ?? FileHandle.standardOutput, excelBOM: excel)
      try file?.commit()
    } catch {
      // An `OutputFile.Failure` names the file; a broken stdout is the system's error.
      if error is OutputFile.Failure {
        Terminal.error(error, language: lang.diagnostics)
      } else {
        let reason = SystemError.text(of: error)
        Terminal.error("writing \(out.map { "`\($0)`" } ?? "stdout") failed: \(reason.en)",
                       zh: "写入\(out.map { " `\($0)` " } ?? "标准输出")失败：\(reason.zh)", language: lang.diagnostics)
      }
      throw ExitCode.inputError
    }
  }
}
