import Foundation

/// The `subsidy` executable, built next to this test bundle by `swift test`
/// (or under `.build/debug` of the repository this file is in).
enum SubsidyBinary {
  static var url: URL? {
    var candidates: [URL] = []
    if let first = CommandLine.arguments.first {
      // `.build/<triple>/debug/subsidyPackageTests.xctest` on Linux.
      candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("subsidy"))
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/subsidy"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }
}

/// A `subsidy` child process whose stdout is read line by line, so a test can
/// act (kill it) at an exact point of its progress.
final class ChildProcess: @unchecked Sendable {
  let process = Process()
  private let output = Pipe()
  private let errors = Pipe()
  private var buffer = Data()
  private(set) var lines: [String] = []

  init(_ executable: URL, _ arguments: [String], watchdogSeconds: Double = 120) throws {
    process.executableURL = executable
    process.arguments = arguments
    // Never the repository: whatever the child writes by default stays out of the working directory.
    process.currentDirectoryURL = FileManager.default.temporaryDirectory
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // A hung child would hang the test; kill it so its stdout reaches EOF.
    let pid = process.processIdentifier
    DispatchQueue.global().asyncAfter(deadline: .now() + watchdogSeconds) { [process] in
      if process.isRunning { kill(pid, SIGKILL) }
    }
  }

  /// Reads stdout until a line satisfies `stop` (returns true) or EOF (false).
  func readLines(until stop: (String) -> Bool) -> Bool {
    while true {
      while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
        buffer.removeSubrange(buffer.startIndex...newline)
        lines.append(line)
        if stop(line) { return true }
      }
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { return false }
      buffer.append(chunk)
    }
  }

  /// SIGKILL: no handler, no cleanup, no chance to finish the transaction.
  func killNow() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// Waits for exit, collecting the rest of stdout; returns the exit status.
  func finish() -> Int32 {
    _ = readLines { _ in false }
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// What the child wrote to stderr; empty while it still runs, since
  /// reading a live pipe would block until it exits.
  var standardError: String {
    guard !process.isRunning else { return "" }
    return String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  }

  var wasKilled: Bool { process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL }

  /// Batch ids from `commit ID inserted=N already=M` lines, with their counts.
  var commits: [(id: String, inserted: Int, already: Int)] {
    lines.compactMap { line in
      let parts = line.split(separator: " ")
      guard parts.count == 4, parts[0] == "commit",
        let inserted = Int(parts[2].dropFirst("inserted=".count)),
        let already = Int(parts[3].dropFirst("already=".count))
      else { return nil }
      return (String(parts[1]), inserted, already)
    }
  }
}
