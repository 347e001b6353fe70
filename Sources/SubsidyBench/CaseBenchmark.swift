import Dispatch
import Foundation
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit

/// One case answered as `POST /v1/eval` answers it, timed by phase, in-process: the server's CPU per
/// request without HTTP, sockets or `wrk` on the same two cores (whose noise hides a 5 % change).
///
/// The phases are the route's own calls, in its order: the facts loaded from the body's text
/// (`FactsLoader`, YAML or JSON by the file's name), the rules evaluated, and the answer written
/// (`ResultWords.write` into a `JSONWriter`, then masked). The policy set's memo of words is kept
/// across repetitions, as a server keeps it across requests.
public enum CaseBenchmark {
  public struct Report: Sendable {
    public var file = ""
    public var repetitions = 0
    public var results = 0
    public var answerBytes = 0
    /// Per phase, the fastest and the median repetition's thread CPU time (µs).
    public var load: (min: Double, median: Double) = (0, 0)
    public var evaluate: (min: Double, median: Double) = (0, 0)
    public var answer: (min: Double, median: Double) = (0, 0)
    public var total: (min: Double, median: Double) = (0, 0)

    public func render() -> String {
      func row(_ name: String, _ t: (min: Double, median: Double)) -> String {
        "| \(name) | \(String(format2: t.min)) µs | \(String(format2: t.median)) µs |"
      }
      return """
        | `POST /v1/eval` of \(file) in-process (\(results) results, \(answerBytes) bytes), \(repetitions) runs | fastest | median |
        |---|---:|---:|
        \(row("facts loaded (YAML/JSON → Facts)", load))
        \(row("rules evaluated", evaluate))
        \(row("answer written (words, to_pay, JSON, masked)", answer))
        \(row("total (thread CPU per request)", total))

        """
    }
  }

  /// The case file does not load: its diagnostics, for the command to report as `subsidy eval` does.
  public struct Unloadable: Error {
    public let diagnostics: [Diagnostic]
    public let sources: [SourceFile]
  }

  public static func run(policies: [String], file: String, language: TextReport.Language, repetitions: Int) throws -> Report {
    guard let program = Subsidy.compile(policies).program else {
      throw CSVReader.Failure(line: 0, message: "the policies do not check", zh: "政策未通过检查")
    }
    var d = DiagnosticBag()
    guard let read = SourceReader.read(file, into: &d) else { throw Unloadable(diagnostics: d.sorted, sources: []) }
    // Named by its own path: its extension picks the parser's strictness, as the route's
    // `request.yaml` or `request.json` does for a body, and diagnostics name the file.
    let source = SourceFile(path: file, text: read.text)
    let loader = FactsLoader(schema: program.schema)
    let redactor = PIIRedactor(program: program)
    let memo = ConditionTexts()
    var loads: [Double] = [], evaluations: [Double] = [], answers: [Double] = [], totals: [Double] = []
    var report = Report()
    report.file = (file as NSString).lastPathComponent
    report.repetitions = max(1, repetitions)
    for _ in 0..<report.repetitions {
      let t0 = EngineBenchmark.threadCPUSeconds()
      var bag = DiagnosticBag()
      guard let facts = loader.load(source, asOf: nil, into: &bag) else {
        throw Unloadable(diagnostics: bag.sorted, sources: [Subsidy.quotable(source, program: program)])
      }
      guard let asOf = facts.asOf else {
        throw CSVReader.Failure(line: 0, message: "\(file) has no `as_of`: the case must give the date to judge on",
                                zh: "\(file) 没有 `as_of`：案例须给出评估日期")
      }
      let t1 = EngineBenchmark.threadCPUSeconds()
      let results = program.evaluate(facts, asOf: asOf)
      let t2 = EngineBenchmark.threadCPUSeconds()
      var out = JSONWriter(pretty: false, capacity: 96 * 1024)
      ResultWords.write(asOf: asOf, results: results, program: program, facts: facts, redactor: redactor, language: language,
                        memo: memo, to: &out)
      report.answerBytes = out.withBytes { bytes in
        PIIMask.mask(bytes)
        return bytes.count
      }
      let t3 = EngineBenchmark.threadCPUSeconds()
      report.results = results.count
      loads.append(t1 - t0)
      evaluations.append(t2 - t1)
      answers.append(t3 - t2)
      totals.append(t3 - t0)
    }
    func summary(_ xs: [Double]) -> (min: Double, median: Double) {
      let sorted = xs.sorted()
      return (sorted[0] * 1e6, sorted[sorted.count / 2] * 1e6)
    }
    report.load = summary(loads)
    report.evaluate = summary(evaluations)
    report.answer = summary(answers)
    report.total = summary(totals)
    return report
  }
}
