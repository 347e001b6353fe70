import Foundation
@testable import SubsidyIO
import Testing

/// An `OutputFile`'s temporary file on Linux has no name until it is committed: a command killed
/// while it writes leaves nothing beside its destination.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd"), "Linux: unnamed files, /proc"))
struct OutputFileTemporaryTests {
  /// `subsidy generate` (which catches no signal) killed half way through its output: before, its
  /// `.gen.csv.<n>.tmp` stayed beside the destination, as a batch's `.payouts.csv.<n>.tmp` did after
  /// SIGKILL, the OOM killer or a second Ctrl-C, with the ID numbers in it.
  @Test func aCommandKilledWhileItWritesLeavesNoTemporaryFile() throws {
    let executable = try #require(Paths.executable, "the `subsidy` executable is not built")
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let process = Process()
    process.executableURL = executable
    process.arguments = ["generate", "--rows", "5000000", "--out", dir.appendingPathComponent("gen.csv").path]
    process.currentDirectoryURL = dir
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    var writing = false
    let deadline = Date().addingTimeInterval(60)
    while !writing, process.isRunning, Date() < deadline {
      writing = openFiles(of: process.processIdentifier).contains { $0.hasPrefix(dir.path + "/") }
      if !writing { usleep(2_000) }
    }
    try #require(writing, "generate never opened its output")
    usleep(200_000)  // some rows written
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    #expect(left.isEmpty, "left behind: \(left)")
  }

  /// While it is written, and when dropped uncommitted, the file is nowhere in its folder.
  @Test func anUncommittedFileHasNoName() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var file: OutputFile? = try OutputFile(dir.appendingPathComponent("payouts.csv").path)
    try file?.write("policy,rule\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    file = nil
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  /// Named by a copy (as where the system refuses the link): the destination gets every byte and
  /// the permissions of the file it replaces, and no temporary file is left.
  @Test func aCopyNamesTheFileWhereNoLinkIsAllowed() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("payouts.csv").path
    try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
    #expect(chmod(path, 0o640) == 0)
    let text = String(repeating: "530102199001011234,500.00\n", count: 100_000)  // past the copy's 1 MB block
    let file = try OutputFile(path)
    try file.write(text)
    try file.commit(linking: false)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["payouts.csv"])
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o640)
  }
}
