import Foundation
import Testing

/// Past `--memory`, the state that spans rows (dispatch ids, the one-person-one-ID-number registry,
/// the best claim per limit) moves to a temporary database. Whether it spilled must not change a
/// single byte of what the batch writes, nor what it commits.
@Suite struct BatchSpillTests {
  /// A generated file with bad rows, plus rows that repeat a dispatch id and give a person a second
  /// ID number far from the first, so every registry has something to refuse after it spilled.
  private func file(in dir: URL) throws -> String {
    let generated = try generateBatch(rows: 3_000, seed: 41, in: dir, badRate: "0.02")
    let header = generated.header
    let id = try #require(header.firstIndex(of: "dispatch_id"))
    let number = try #require(header.firstIndex(of: "person_id_number"))
    var lines = [header] + generated.records
    // The 10th row again, at the end: a repeated dispatch id.
    lines.append(generated.records[10])
    // The 20th row's person, under a new dispatch id, with the 30th row's ID number.
    var other = generated.records[20]
    other[id] = "SPILL-1"
    other[number] = generated.records[30][number]
    lines.append(other)
    let path = dir.appendingPathComponent("spill.csv").path
    try lines.map { $0.joined(separator: ",") }.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func spillingWritesTheSameFiles() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try file(in: dir)
    let options = ["--chunk-rows", "200", "--threads", "2"]
    let held = try runBatch(path, asOf: "2025-06-30", options, in: dir, name: "held")
    let spilled = try runBatch(path, asOf: "2025-06-30", options + ["--memory", "0"], in: dir, name: "spilled")
    #expect(held.status == 0 && spilled.status == 0, "\(held.stderr)\(spilled.stderr)")
    #expect(held.payouts.count > 300)
    #expect(held.rejectsText.contains("repeats the dispatch id"), "the file should repeat a dispatch id")
    #expect(held.rejectsText.contains("ID number"), "the file should give a person a second ID number")
    #expect(held.payouts.contains { ["payable", "missing_evidence"].contains($0["status"]) && !($0["beneficiary"] ?? "").isEmpty })
    #expect(spilled.payoutsText == held.payoutsText)
    #expect(spilled.rejectsText == held.rejectsText)
    func summary(_ run: BatchRun) -> String {
      (run.stdout + run.stderr).split(separator: "\n").filter { !$0.hasPrefix("time ") }.joined(separator: "\n")
    }
    #expect(summary(spilled) == summary(held))
  }

  @Test func spillingCommitsTheSamePayments() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try file(in: dir)
    var listed: [String] = []
    for (name, memory) in [("held", "128"), ("spilled", "0")] {
      let ledger = dir.appendingPathComponent("\(name).sqlite").path
      let run = try runBatch(path, asOf: "2025-06-30", ["--memory", memory, "--ledger", ledger, "--commit", "--batch-id", "B1"], in: dir, name: name)
      #expect(run.status == 0, "\(run.stderr)")
      let list = try runCLI(["ledger", "list", "--ledger", ledger, "--format", "csv"])
      #expect(list.status == 0, "\(list.stderr)")
      listed.append(list.stdout.split(separator: "\n").map { line in
        // The recording time differs between the runs; everything else must not.
        line.split(separator: ",", omittingEmptySubsequences: false).filter { !$0.contains("T") || !$0.contains(":") }.joined(separator: ",")
      }.joined(separator: "\n"))
    }
    #expect(listed[0].split(separator: "\n").count > 100)
    #expect(listed[0] == listed[1])
  }
}
