import Foundation
import Testing

/// Ctrl-C during a batch stops it between chunks: no output file is put in place (not even a
/// temporary one is left), and nothing is committed to the ledger.
@Suite struct BatchInterruptTests {
  @Test func ctrlCLeavesNoFileAndCommitsNothing() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let generated = try generateBatch(rows: 40_000, seed: 7, in: dir)
    let out = dir.appendingPathComponent("payouts.csv").path
    let rejects = dir.appendingPathComponent("rejects.csv").path
    let ledger = dir.appendingPathComponent("ledger.sqlite").path
    let executable = try #require(Paths.executable)
    let process = Process()
    process.executableURL = executable
    process.arguments = ["batch", generated.path, "--as-of", "2025-06-30", "--policies", Paths.policies, "--out", out, "--rejects", rejects, "--ledger", ledger,
                         "--commit", "--chunk-rows", "128", "--threads", "1", "--lang", "en"]
    process.currentDirectoryURL = dir
    process.standardOutput = FileHandle.nullDevice
    let err = Pipe()
    process.standardError = err
    let started = Date()
    try process.run()
    // Interrupt once the run is under way: it has its temporary output files open (unnamed in `dir`
    // on Linux, `.payouts.csv.<n>.tmp` elsewhere).
    func underWay() throws -> Bool {
      try openFiles(of: process.processIdentifier).contains { $0.hasPrefix(dir.path + "/#") }
        || FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.hasPrefix(".payouts.csv") }
    }
    while Date().timeIntervalSince(started) < 20, try !underWay() {
      Thread.sleep(forTimeInterval: 0.02)
    }
    Thread.sleep(forTimeInterval: 0.3)
    #expect(process.isRunning, "the batch ended before it could be interrupted")
    process.interrupt()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130, "\(stderr)")
    #expect(stderr.contains("interrupted"), "\(stderr)")
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix("generated-") && !$0.hasPrefix("ledger.sqlite") }
    #expect(left.isEmpty, "files left behind: \(left)")
    let list = try runCLI(["ledger", "list", "--ledger", ledger, "--format", "csv"])
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout.split(separator: "\n").count <= 1, "payments were committed: \(list.stdout.prefix(300))")
  }
}
