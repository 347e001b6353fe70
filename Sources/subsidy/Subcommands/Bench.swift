import ArgumentParser
import PolicyValues
import SubsidyBench
import SubsidyKit

/// `subsidy bench`: the engine's own timings (check + compile, evaluation over parsed rows).
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure check + compile time and evaluation speed over parsed synthetic rows (build with -c release).")

  @Option(help: "Synthetic rows to evaluate.")
  var rows: Int = 200_000

  @Option(help: "Generator seed.")
  var seed: UInt64 = 1

  @Option(help: "The policy directory.")
  var policies: [String] = []

  func run() throws {
    guard rows > 0, let asOf = CivilDate(year: 2025, month: 6, day: 30) else { throw ExitCode.inputError }
    let report = try EngineBenchmark.run(policies: policies.isEmpty ? ["policies"] : policies, rows: rows, seed: seed, asOf: asOf)
    Terminal.out(report.render())
  }
}
