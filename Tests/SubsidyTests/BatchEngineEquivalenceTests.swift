import Foundation
import Testing

/// The column programs are a filter in front of the row evaluator: with them (`--engine columns`, the
/// default) and without them (`--engine rows`, the reference), a batch writes the same payouts, rejects
/// and summary, whatever the chunking and threads.
@Suite struct BatchEngineEquivalenceTests {
  @Test(arguments: [(seed: 5, chunkRows: 4_096, threads: 2), (seed: 17, chunkRows: 97, threads: 2), (seed: 29, chunkRows: 1_000, threads: 1)])
  func columnsAndRowsWriteTheSameFiles(seed: Int, chunkRows: Int, threads: Int) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // All five regions, with bad rows on purpose.
    let generated = try generateBatch(rows: 4_000, seed: seed, in: dir, badRate: "0.02")
    let options = ["--chunk-rows", String(chunkRows), "--threads", String(threads)]
    let rows = try runBatch(generated.path, asOf: "2025-06-30", options + ["--engine", "rows"], in: dir, name: "rows")
    let columns = try runBatch(generated.path, asOf: "2025-06-30", options + ["--engine", "columns"], in: dir, name: "columns")
    #expect(rows.status == 0 && columns.status == 0, "\(rows.stderr)\(columns.stderr)")
    #expect(rows.payouts.count > 300, "the file should give many results")
    #expect(rows.rejects.count > 20, "the file should have rejects")
    #expect(Set(rows.payouts.map(\.["policy"])).count >= 3, "regions with CSV columns: \(Set(rows.payouts.compactMap { $0["policy"] }))")
    // Group rules too: their members are found by a column program on the column path.
    #expect(rows.payouts(rule: "household-labor-income-reward").count > 20)
    #expect(columns.payoutsText == rows.payoutsText)
    #expect(columns.rejectsText == rows.rejectsText)
    func summary(_ run: BatchRun) -> String {
      (run.stdout + run.stderr).split(separator: "\n").filter { !$0.hasPrefix("time ") }.joined(separator: "\n")
    }
    #expect(summary(columns) == summary(rows))
  }
}
