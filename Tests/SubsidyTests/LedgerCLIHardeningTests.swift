import Foundation
import GRDB
import Ledger
import Testing

/// The ledger through the CLI: a damaged ledger is refused before a commit (exit 1, nothing paid
/// twice), and a ledger the user may only read can be listed and exported.
@Suite struct LedgerCLIHardeningTests {
  /// Re-committing a file to a ledger whose unique index was dropped recorded every payment twice.
  @Test func recommittingToALedgerWithoutItsUniqueIndexIsRefused() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = try Hostile.csv(try Hostile.distinctRows(3), in: dir)
    let ledger = dir.appendingPathComponent("l.sqlite").path
    let first = try runBatch(input, asOf: Hostile.asOf, ["--policies", Paths.policies, "--commit", "--ledger", ledger], in: dir)
    #expect(first.status == 0 && first.ledgerCounts.committed == 3, "\(first.stdout)\(first.stderr)")
    try DatabaseQueue(path: ledger).writeWithoutTransaction { try $0.execute(sql: "DROP INDEX payment_key_unvoided") }

    let again = try runBatch(input, asOf: Hostile.asOf, ["--policies", Paths.policies, "--commit", "--ledger", ledger, "--lang", "en"], in: dir, name: "again")
    #expect(again.status == 1, "\(again.stdout)")
    #expect(again.stderr.contains("is damaged") && again.stderr.contains("payment_key_unvoided"), "\(again.stderr)")
    #expect(again.payoutsText.isEmpty, "a refused commit wrote payouts")
    #expect(try LedgerStore(readingAt: ledger).payments(filter: .all).count == 3)
  }

  /// "attempt to write a readonly database" for `ledger list` and `export` on a ledger the user may only read.
  @Test func aLedgerTheUserMayOnlyReadCanBeListedAndExported() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = try Hostile.csv(try Hostile.distinctRows(2), in: dir)
    let shelf = dir.appendingPathComponent("shelf")
    try FileManager.default.createDirectory(at: shelf, withIntermediateDirectories: true)
    let ledger = shelf.appendingPathComponent("l.sqlite").path
    let run = try runBatch(input, asOf: Hostile.asOf, ["--policies", Paths.policies, "--commit", "--ledger", ledger], in: dir)
    #expect(run.ledgerCounts.committed == 2, "\(run.stdout)\(run.stderr)")
    // The ledger and its folder become read-only; as root (who may write anyway) the commands run as `nobody`.
    chmod(ledger, 0o444)
    chmod(shelf.path, 0o555)
    chmod(dir.path, 0o777)
    defer { chmod(shelf.path, 0o755) }
    let asNobody = geteuid() == 0
    if asNobody {
      guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
      var info = stat()
      // `nobody` must be able to reach the files and the executable.
      guard let exe = Paths.executable?.path, stat(exe, &info) == 0, info.st_mode & 0o001 != 0 else { return }
      var folder = URL(fileURLWithPath: dir.path)
      while folder.path != "/" {
        guard stat(folder.path, &info) == 0, info.st_mode & 0o001 != 0 else { return }
        folder.deleteLastPathComponent()
      }
    }
    let out = dir.appendingPathComponent("export.csv").path
    for arguments in [["ledger", "list", "--ledger", ledger], ["ledger", "summary", "--ledger", ledger],
                      ["ledger", "batches", "--ledger", ledger], ["ledger", "export", "--ledger", ledger, "--out", out]] {
      let r = asNobody
        ? try runCLIAs(["--reuid=65534", "--regid=65534", "--clear-groups"], arguments)
        : try runCLI(arguments)
      #expect(r.status == 0, "\(arguments[1]): \(r.stderr)")
      #expect(!r.stderr.contains("readonly"), "\(arguments[1]): \(r.stderr)")
    }
    #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 3)
  }

  /// Runs the built CLI under `setpriv` with `options` (a user with fewer rights).
  func runCLIAs(_ options: [String], _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    guard let executable = Paths.executable else { throw CLIError.notBuilt }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
    process.arguments = options + [executable.path] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: "/")
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
  }
}
