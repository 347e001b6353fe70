import Foundation
import Hummingbird
import Ledger
import LedgerPostgres
import PolicyValues
@testable import SubsidyServer
import SubsidyKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A batch's spool folder (its payouts and rejects, with ID numbers) never outlives its run: not
/// when the answer is sent, not when it is dropped unsent, not when the client goes away before the
/// answer starts, not when the shutdown deadline ends the process mid-run.
@Suite struct BatchSpoolTests {
  /// The `subsidy-batch-*` folders in `folder` (a server's TMPDIR).
  static func spools(in folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix("subsidy-batch-") }
  }

  /// The files under `folder` this process still has open.
  static func openFiles(under folder: String) -> [String] {
    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
      .filter { $0.hasPrefix(folder + "/") }
  }

  // MARK: In process

  @Test func aSpoolDroppedWithoutBeingRemovedRemovesItsFolder() throws {
    var spool: Spool? = try Spool()
    let folder = try #require(spool?.folder)
    try "payouts".write(toFile: try #require(spool?.payouts), atomically: false, encoding: .utf8)
    #expect(FileManager.default.fileExists(atPath: folder))
    spool = nil
    #expect(!FileManager.default.fileExists(atPath: folder), "the folder outlived its spool")
  }

  /// A run that succeeded has no folder left by the time its answer is built: its files are open
  /// handles to unlinked files, which close when the answer is dropped without being written (the
  /// client went away before the head was sent, and Hummingbird never called the body).
  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd"), "reads the open files from /proc"))
  func aRunsFolderIsGoneBeforeItsAnswerAndItsFilesCloseWithTheAnswer() throws {
    let folder = try Self.answerDroppedUnwritten()
    #expect(!FileManager.default.fileExists(atPath: folder), "the spool folder is still there")
    #expect(Self.openFiles(under: folder).isEmpty, "files of the spool are still open: \(Self.openFiles(under: folder))")
  }

  /// Runs the village cohort, builds its answer and drops it; the folder its files were in.
  static func answerDroppedUnwritten() throws -> String {
    let run = BatchRun(program: shippedSnapshot.program, asOf: try #require(CivilDate.parse("2024-06-30")), maxRows: 1_000, ledger: nil)
    let text = try String(contentsOf: BatchRouteTests.village, encoding: .utf8)
    let done = try run.run(CSVReader(bytes: Array(text.utf8))).get()
    let link = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(done.files.payouts.fileDescriptor)")
    #expect(link.hasSuffix("/payouts.csv (deleted)"), "\(link)")
    #expect(done.summary.rowsRead > 0)
    let response = BatchRoute.answer(done, committed: nil)
    #expect(response.status == .ok)
    return (link as NSString).deletingLastPathComponent
  }

  // MARK: The real process

  /// A client that uploads a committed batch and resets the connection while the run waits for the
  /// ledger: the run still succeeds (its payments are recorded) and is answered, but the answer finds
  /// no connection, so Hummingbird never calls its body. Before, the folder was removed only there.
  @Test func aClientGoneBeforeTheAnswerLeavesNoSpool() async throws {
    let executable = try #require(ServerPaths.executable, "the `subsidy` executable is not built")
    let folder = ServerPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tmp = folder.appendingPathComponent("tmp")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    let ledger = folder.appendingPathComponent("ledger.sqlite").path
    _ = try LedgerOpening.open(ledger, createIfMissing: true)
    let tokenFile = folder.appendingPathComponent("token").path
    try testToken.write(toFile: tokenFile, atomically: true, encoding: .utf8)
    let (process, _, started) = try ServeCommandTests.serve(executable, ["--policies", ServerPaths.policies, "--ledger", ledger, "--token-file", tokenFile],
                                                            environment: ["TMPDIR": tmp.path])
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    let port = try #require(started.port, "the server did not start: \(started.log)")

    // The client's part runs off the pool, so that a test task starved by the others cannot outlast
    // the server's wait for the ledger (60 s), which fails the run instead.
    let client = try await offThePool { try Self.resetWhileTheRunWaitsForTheLedger(port: port, ledger: ledger, tmp: tmp) }
    try #require(client.locked, "the test could not lock the ledger")
    #expect(client.sent, "the upload was not sent")
    #expect(!client.spooled.isEmpty, "the run did not start")

    // The run succeeded and was answered (200), with nobody to send the answer to.
    var answered = false
    for _ in 0..<200 where !answered {
      try await Task.sleep(for: .milliseconds(100))
      let metrics = try Loopback.exchange(port: port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", halfClose: true)
      answered = metrics.contains(#"subsidy_http_requests_total{method="POST",route="/v1/batch",status="200"} 1"#)
    }
    #expect(answered, "the batch was not answered 200")
    #expect(try LedgerOpening.openForReading(ledger).payments(filter: PaymentFilter()).count > 0, "the run recorded nothing")
    var left = Self.spools(in: tmp)
    for _ in 0..<50 where !left.isEmpty {
      try await Task.sleep(for: .milliseconds(100))
      left = Self.spools(in: tmp)
    }
    #expect(left.isEmpty, "the server left its spool: \(left)")
    process.terminate()
    process.waitUntilExit()
  }

  /// Holds the ledger, uploads the village cohort with `commit=true`, waits until its run has a spool
  /// folder (it then waits for the ledger, the upload read), resets the connection and lets the
  /// ledger go: whether it held the ledger, whether the upload went out, the spool folders seen.
  static func resetWhileTheRunWaitsForTheLedger(port: Int, ledger: String, tmp: URL) throws -> (locked: Bool, sent: Bool, spooled: [String]) {
    let lock = try LedgerLock(ledger)
    defer { lock.release() }
    guard lock.holds else { return (false, false, []) }
    let text = try String(contentsOf: BatchRouteTests.village, encoding: .utf8)
    let request = "POST /v1/batch?as_of=2024-06-30&commit=true HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
      + "Authorization: Bearer \(testToken)\r\nContent-Length: \(text.utf8.count)\r\n\r\n" + text
    guard let socket = Loopback.open(port: port) else { return (true, false, []) }
    guard Loopback.sendAll(socket, Data(request.utf8)) else {
      close(socket)
      return (true, false, [])
    }
    var spooled: [String] = []
    let deadline = Date().addingTimeInterval(30)
    while spooled.isEmpty, Date() < deadline {
      usleep(50_000)
      spooled = spools(in: tmp)
    }
    usleep(300_000)  // the upload (a few kB) is read by now
    Loopback.reset(socket)
    usleep(300_000)
    return (true, true, spooled)
  }

  /// A batch still uploading when the shutdown deadline ends the process (`exit`, which runs no
  /// `deinit`): its folder is removed first. Before, it stayed with the half-written payouts in it.
  @Test func aRunEndedByTheShutdownDeadlineLeavesNoSpool() async throws {
    let executable = try #require(ServerPaths.executable, "the `subsidy` executable is not built")
    let tmp = ServerPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: tmp) }
    let (process, err, started) = try ServeCommandTests.serve(executable, ["--policies", ServerPaths.policies, "--request-seconds", "1"],
                                                              environment: ["TMPDIR": tmp.path])
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    let port = try #require(started.port, "the server did not start: \(started.log)")
    let lines = try String(contentsOf: BatchRouteTests.village, encoding: .utf8).split(separator: "\n")
    let socket = try #require(Loopback.open(port: port))
    // Rows keep arriving, each well within --request-seconds, so the run neither ends nor times out.
    let head = "POST /v1/batch?as_of=2024-06-30 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nContent-Length: 100000000\r\n\r\n"
    let trickle = Trickle(socket: socket, first: Data((head + lines[0] + "\n").utf8), row: Data((lines[1] + "\n").utf8))
    defer { trickle.stop() }
    var spooled: [String] = []
    for _ in 0..<100 where spooled.isEmpty {
      try await Task.sleep(for: .milliseconds(100))
      spooled = Self.spools(in: tmp)
    }
    #expect(!spooled.isEmpty, "the run did not start")
    let signalled = Date()
    kill(process.processIdentifier, SIGTERM)
    while process.isRunning, Date().timeIntervalSince(signalled) < 20 { try await Task.sleep(for: .milliseconds(100)) }
    try #require(!process.isRunning, "the server still runs 20 s after SIGTERM")
    let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 128 + SIGTERM, "the deadline did not end it: status \(process.terminationStatus), \(log)")
    #expect(Self.spools(in: tmp).isEmpty, "the server left its spool: \(Self.spools(in: tmp))")
  }
}

/// Holds the SQLite ledger's write lock (an open `BEGIN IMMEDIATE` transaction, rolled back) until released.
final class LedgerLock: @unchecked Sendable {
  // Unchecked: the semaphores are thread-safe, `holds` is written before `init` returns, and
  // `released` is read and written only while holding `releasing`.
  private let held = DispatchSemaphore(value: 0)
  private let done = DispatchSemaphore(value: 0)
  private let finished = DispatchSemaphore(value: 0)
  /// Whether the transaction began (false: the commit failed before its body ran).
  private(set) var holds = false

  struct Released: Error {}

  init(_ location: String) throws {
    let store = try LedgerOpening.open(location, createIfMissing: false)
    let info = BatchInfo(id: "lock", source: "test", engineVersion: "0", policyHash: "sha256:0", asOf: "2024-06-30")
    let began = Began()
    Thread { [held, done, finished] in
      _ = try? store.commit(info) { _ in
        began.value = true
        held.signal()
        done.wait()
        throw Released()
      }
      if !began.value { held.signal() }
      finished.signal()
    }.start()
    held.wait()
    holds = began.value
  }

  private final class Began: @unchecked Sendable {
    // Unchecked: written on the locking thread before `held` is signalled, read after it is waited on.
    var value = false
  }

  /// Rolls the transaction back; calling it again does nothing.
  func release() {
    guard releasing.withLock({ () -> Bool in defer { released = true }; return !released }) else { return }
    done.signal()
    finished.wait()
  }

  private let releasing = NSLock()
  private var released = false
}

/// An upload that never ends: `first`, then `row` every 200 ms, on a thread of its own that owns the
/// socket and closes it once stopped (or once the server stops taking it).
final class Trickle: @unchecked Sendable {
  // Unchecked: `stopped` is read and written only while holding `lock`.
  private let lock = NSLock()
  private var stopped = false

  init(socket: Int32, first: Data, row: Data) {
    Thread { [self] in
      defer { close(socket) }
      guard Loopback.sendAll(socket, first) else { return }
      while !lock.withLock({ stopped }) {
        guard Loopback.sendAll(socket, row) else { return }
        usleep(200_000)
      }
    }.start()
  }

  func stop() { lock.withLock { stopped = true } }
}
