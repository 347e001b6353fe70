import ArgumentParser
import PolicyValues
import SubsidyBench
import SubsidyKit

/// `subsidy bench`: the engine's own timings (check + compile, evaluation over parsed rows).
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure check + compile time and evaluation speed over parsed synthetic rows, or one case answered as the server answers it (build with -c release).")

  @Option(help: "Synthetic rows to evaluate.")
  var rows: Int = 200_000

  @Option(help: "Generator seed.")
  var seed: UInt64 = 1

  @Option(help: "The policy directory.")
  var policies: [String] = []

  @Option(name: .customLong("case"), help: "Instead: time one case file answered as `POST /v1/eval` answers it, by phase, in-process.")
  var caseFile: String?

  @Option(help: "With --case: how many times to answer it.")
  var times: Int = 2000

  @Option(help: "With --case: the answer's language, zh (default) or en.")
  var lang: TextReport.Language = .zh

  func run() throws {
    if let caseFile {
      guard times > 0 else { throw ValidationError("--times must be at least 1") }
      do {
        Terminal.out(try CaseBenchmark.run(policies: policies.isEmpty ? ["policies"] : policies, file: caseFile, language: lang, repetitions: times).render())
      } catch let unloadable as CaseBenchmark.Unloadable {
        Terminal.report(unloadable.diagnostics, sources: unloadable.sources, language: lang.diagnostics, maskPII: true)
        throw ExitCode.inputError
      }
      return
    }
    guard rows > 0, let asOf = CivilDate(year: 2025, month: 6, day: 30) else { throw ExitCode.inputError }
    let report = try EngineBenchmark.run(policies: policies.isEmpty ? ["policies"] : policies, rows: rows, seed: seed, asOf: asOf)
    Terminal.out(report.render())
  }
}
