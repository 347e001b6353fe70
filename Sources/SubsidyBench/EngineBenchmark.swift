import Dispatch
import Foundation
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
import SubsidySynthetic

/// In-process measurements the command line cannot take from outside: check + compile time, and
/// evaluation alone over rows already parsed (no I/O, no CSV), single-threaded and on all cores.
public enum EngineBenchmark {
  public struct Report: Sendable {
    public var checkCompileMillis: [Double] = []
    public var rows = 0
    /// The fastest of three single-threaded decodings of the chunks, by the clock and by the thread's
    /// CPU time (which holds on a busy machine).
    public var decodeSeconds = 0.0
    public var decodeCPUSeconds = 0.0
    /// The fastest of three single-threaded passes, by the clock and by the thread's CPU time (the
    /// second does not count time the thread waited for a core, so it holds on a busy machine).
    public var evalSeconds = 0.0
    public var evalCPUSeconds = 0.0
    /// The same evaluation by the row evaluator alone (`--engine rows`), for the ratio.
    public var evalRowPathSeconds = 0.0
    public var columnPrograms = (compiled: 0, rules: 0)
    public var evalParallelSeconds = 0.0
    public var results = 0
    /// The same evaluation with every kept result explained (what `batch --commit` and a printed
    /// result pay): the extra time, per explained result.
    public var explainMicrosPerResult = 0.0

    public var medianCheckCompileMillis: Double {
      let sorted = checkCompileMillis.sorted()
      return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    public func render() -> String {
      func rate(_ s: Double) -> String { s > 0 ? String(Int(Double(rows) / s)) : "-" }
      return """
        | measure | value |
        |---|---:|
        | check + compile all policies (median of \(checkCompileMillis.count)) | \(String(format2: medianCheckCompileMillis)) ms |
        | rows parsed (synthetic, all regions) | \(rows) |
        | decode CSV → facts, 1 thread | \(rate(decodeSeconds)) rows/s |
        | decode CSV → facts, 1 thread, by its CPU time | \(rate(decodeCPUSeconds)) rows/s |
        | evaluate all rules, 1 thread (column programs, \(columnPrograms.compiled) of \(columnPrograms.rules) rules) | \(rate(evalSeconds)) rows/s |
        | evaluate all rules, 1 thread, by its CPU time (column programs) | \(rate(evalCPUSeconds)) rows/s |
        | evaluate all rules, 1 thread (row evaluator alone) | \(rate(evalRowPathSeconds)) rows/s |
        | evaluate all rules, all cores | \(rate(evalParallelSeconds)) rows/s |
        | non-refused results | \(results) |
        | explanation of a kept result (extra time per result, 1 thread) | \(String(format2: explainMicrosPerResult)) µs |

        """
    }
  }

  public static func run(policies: [String], rows: Int, seed: UInt64, asOf: CivilDate) throws -> Report {
    var report = Report()
    var program: Program?
    for _ in 0..<11 {
      let started = DispatchTime.now()
      program = Subsidy.compile(policies).program
      report.checkCompileMillis.append(seconds(since: started) * 1000)
    }
    guard let program else { throw CSVReader.Failure(line: 0, message: "the policies do not check", zh: "政策未通过检查") }
    // A name of this run's own (two benches at once removed each other's file), unlinked as soon as
    // the reader has it open: a bench stopped by Ctrl-C or a kill leaves no file in the temporary folder.
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("subsidy-bench-\(seed)-\(rows)-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    let output = try OutputFile(file)
    try SyntheticPopulation(seed: seed, badRowRate: 0).writeCSV(rows: rows, to: output.handle)
    try output.commit()
    let reader = try CSVReader(path: file)
    try? FileManager.default.removeItem(atPath: file)
    guard let headerChunk = try reader.next(maxRecords: 1) else { return report }
    let header = (0..<headerChunk.fieldCount(0)).map { headerChunk.string(0, $0) }
    var d = DiagnosticBag()
    guard let plan = ColumnPlan.make(header: header, schema: program.schema, file: file, into: &d) else { return report }
    let decoder = RowDecoder(schema: program.schema, plan: plan, showPII: false)
    var chunks: [CSVChunk] = []
    // Chunks of the size `batch` reads by default, so per-chunk costs weigh as they do there.
    while let chunk = try reader.next(maxRecords: BatchOptions.defaultChunkRows) { chunks.append(chunk) }
    var started = DispatchTime.now()
    report.decodeSeconds = .infinity
    report.decodeCPUSeconds = .infinity
    for _ in 0..<2 {
      started = DispatchTime.now()
      let cpu = threadCPUSeconds()
      _ = chunks.map { decoder.decode($0, asOf: asOf).facts }
      report.decodeCPUSeconds = min(report.decodeCPUSeconds, threadCPUSeconds() - cpu)
      report.decodeSeconds = min(report.decodeSeconds, seconds(since: started))
    }
    started = DispatchTime.now()
    let cpu = threadCPUSeconds()
    let facts = chunks.map { decoder.decode($0, asOf: asOf).facts }
    report.decodeCPUSeconds = min(report.decodeCPUSeconds, threadCPUSeconds() - cpu)
    report.decodeSeconds = min(report.decodeSeconds, seconds(since: started))
    report.rows = facts.reduce(0) { $0 + $1.tables[program.rowKind ?? 0].count }
    chunks = []
    report.evalSeconds = .infinity
    report.evalCPUSeconds = .infinity
    for _ in 0..<3 {
      started = DispatchTime.now()
      let cpu = threadCPUSeconds()
      report.results = 0
      for f in facts {
        var refused = [Int](repeating: 0, count: program.ruleCount)
        report.results += program.evaluateRowRules(f, asOf: asOf, refused: &refused).count
        report.results += program.evaluateEntityRules(f, asOf: asOf, refused: &refused).count
      }
      report.evalCPUSeconds = min(report.evalCPUSeconds, threadCPUSeconds() - cpu)
      report.evalSeconds = min(report.evalSeconds, seconds(since: started))
    }
    report.columnPrograms = program.columnProgramCoverage
    var rowPath = program
    rowPath.usesColumnPrograms = false
    started = DispatchTime.now()
    for f in facts {
      var refused = [Int](repeating: 0, count: program.ruleCount)
      _ = rowPath.evaluateRowRules(f, asOf: asOf, refused: &refused)
      _ = rowPath.evaluateEntityRules(f, asOf: asOf, refused: &refused)
    }
    report.evalRowPathSeconds = seconds(since: started)
    started = DispatchTime.now()
    DispatchQueue.concurrentPerform(iterations: facts.count) { i in
      var refused = [Int](repeating: 0, count: program.ruleCount)
      _ = program.evaluateRowRules(facts[i], asOf: asOf, refused: &refused)
      _ = program.evaluateEntityRules(facts[i], asOf: asOf, refused: &refused)
    }
    report.evalParallelSeconds = seconds(since: started)
    started = DispatchTime.now()
    for f in facts {
      var refused = [Int](repeating: 0, count: program.ruleCount)
      _ = program.evaluateRowRules(f, asOf: asOf, refused: &refused, explainKept: true)
      _ = program.evaluateEntityRules(f, asOf: asOf, refused: &refused, explainKept: true)
    }
    let explained = seconds(since: started)
    report.explainMicrosPerResult = report.results > 0 ? max(0, explained - report.evalSeconds) / Double(report.results) * 1e6 : 0
    return report
  }

  /// The CPU time the calling thread has used.
  static func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }

  static func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
  }
}
