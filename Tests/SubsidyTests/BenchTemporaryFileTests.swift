import Foundation
import Testing

/// `subsidy bench` writes its synthetic rows to a file in the temporary folder and reads them back.
@Suite struct BenchTemporaryFileTests {
  /// Killed while it reads them (Ctrl-C, a kill, the machine's OOM killer), it leaves no file behind:
  /// the file is unlinked as soon as the reader has it open. Before, it stayed in TMPDIR.
  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd"), "reads the bench's open files from /proc"))
  func aBenchKilledWhileItReadsLeavesNoFile() throws {
    let executable = try #require(Paths.executable, "the `subsidy` executable is not built")
    let tmp = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: tmp) }
    let process = Process()
    process.executableURL = executable
    process.arguments = ["bench", "--rows", "50000", "--policies", Paths.policies]
    process.currentDirectoryURL = tmp
    process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp.path]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    // The rows file as the bench reads it: already unlinked (the system shows it as "… (deleted)").
    var unlinked = false
    let deadline = Date().addingTimeInterval(120)
    while !unlinked, process.isRunning, Date() < deadline {
      unlinked = openFiles(of: process.processIdentifier).contains { $0.contains("/subsidy-bench-") && $0.hasSuffix(" (deleted)") }
      if !unlinked { usleep(2_000) }
    }
    try #require(unlinked, "the bench read its rows from a file still named in TMPDIR: a kill then leaves it there")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let left = ((try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []).filter { $0.contains("subsidy-bench-") }
    #expect(left.isEmpty, "the bench left \(left)")
  }
}
