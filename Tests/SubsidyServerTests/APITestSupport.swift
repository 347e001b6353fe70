import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Ledger
@testable import LedgerPostgres
@testable import SubsidyServer
import Testing

/// An application over `paths` with a ledger (or none), for the compare, batch and ledger tests. Run
/// live, it counts its requests in flight in `metrics` as `subsidy serve` does, without the server's
/// connection timeouts (whose timers would race the time limits some tests are about).
func makeAPIApp(paths: [String] = [ServerPaths.policies], ledger: String?, token: String? = testToken,
                maxBatchRows: Int = ServerOptions.defaultMaxBatchRows, maxBody: Int = ServerOptions.defaultMaxBody,
                requestSeconds: Double = 5, metrics: ServerMetrics = ServerMetrics()) throws -> some ApplicationProtocol {
  let initial = paths == [ServerPaths.policies] ? shippedSnapshot : try PolicySnapshot.load(paths, generation: 1).get()
  let store = PolicyStore(paths: paths, initial: initial)
  let options = ServerOptions(policies: paths, ledger: ledger, token: token, maxBody: maxBody, requestSeconds: requestSeconds,
                              maxBatchRows: maxBatchRows)
  return Application(router: SubsidyServer.router(store: store, options: options, metrics: metrics),
                     server: .http1(configuration: .init(additionalChannelHandlers: [RequestsInFlight(metrics: metrics)])),
                     configuration: .init(address: .hostname("127.0.0.1", port: 0)))
}

/// The requests in flight `metrics` counts, as `/metrics` shows them.
func inFlight(_ metrics: ServerMetrics) -> Int? {
  Scrape.inFlight(metrics.render(policyGeneration: 1))
}

/// Waits until `metrics` counts `count` requests in flight: whether it did within `seconds` (only the
/// bound for a server that never gets there; a loaded machine only makes the wait longer).
func inFlight(_ metrics: ServerMetrics, reaches count: Int, within seconds: Double = 60) async throws -> Bool {
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while inFlight(metrics) != count {
    if ContinuousClock.now > deadline { return false }
    try await Task.sleep(for: .milliseconds(20))
  }
  return true
}

func bearer(_ token: String = testToken, _ more: HTTPFields = [:]) -> HTTPFields {
  var fields = more
  fields[.authorization] = "Bearer \(token)"
  return fields
}

func csvHeaders(token: String? = nil) -> HTTPFields {
  var fields: HTTPFields = [.contentType: "text/csv"]
  if let token { fields[.authorization] = "Bearer \(token)" }
  return fields
}

/// The parts of a `multipart/mixed` answer, by name: their headers and text.
struct Multipart {
  struct Part {
    var headers: [String: String]
    var text: String
  }
  var parts: [(name: String, part: Part)] = []
  subscript(name: String) -> Part? { parts.first { $0.name == name }?.part }
  var names: [String] { parts.map(\.name) }

  /// Splits `body` on the boundary of `contentType` (RFC 2046), or records why it cannot.
  init(_ body: String, contentType: String?, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let type = contentType, type.hasPrefix("multipart/mixed"), let range = type.range(of: "boundary=") else {
      Issue.record("not multipart/mixed: \(contentType ?? "no type")", sourceLocation: sourceLocation)
      return
    }
    let boundary = "--" + type[range.upperBound...]
    #expect(body.hasSuffix("\r\n\(boundary)--\r\n"), "the closing delimiter", sourceLocation: sourceLocation)
    let inner = body.components(separatedBy: "\r\n" + boundary + "--")[0]
    for chunk in ("\r\n" + inner).components(separatedBy: "\r\n" + boundary + "\r\n").dropFirst() {
      guard let split = chunk.range(of: "\r\n\r\n") else { continue }
      var headers: [String: String] = [:]
      for line in chunk[..<split.lowerBound].components(separatedBy: "\r\n") {
        let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        if pair.count == 2 { headers[pair[0].lowercased()] = pair[1] }
      }
      let disposition = headers["content-disposition"] ?? ""
      let name = disposition.range(of: #"name="[^"]*""#, options: .regularExpression).map { String(disposition[$0].dropFirst(6).dropLast()) } ?? ""
      parts.append((name, Part(headers: headers, text: String(chunk[split.upperBound...]))))
    }
  }
}

extension Multipart.Part {
  var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
  var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0).trimmingCharacters(in: .init(charactersIn: "\r")) } }
}

/// Runs blocking work (a child process, a raw socket) on a Dispatch thread: on one of the few threads
/// of the test's tasks it would starve the server under test, which runs on the same threads.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  let result: Result<T, any Error> = await withCheckedContinuation { continuation in
    DispatchQueue.global().async { continuation.resume(returning: Result { try body() }) }
  }
  return try result.get()
}

/// Runs the built `subsidy` in `folder` (so relative names in its output are the server's), off the pool.
func runSubsidy(_ arguments: [String], in folder: URL) async throws -> (status: Int32, stdout: String, stderr: String) {
  let executable = try #require(ServerPaths.executable, "the `subsidy` executable is not built")
  return try await offThePool { try runProcess(executable, arguments, in: folder) }
}

func runProcess(_ executable: URL, _ arguments: [String], in folder: URL) throws -> (status: Int32, stdout: String, stderr: String) {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.currentDirectoryURL = folder
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// The ledgers the tests run on: a new SQLite file, and a new PostgreSQL database when
/// `SUBSIDY_TEST_POSTGRES` names a server (`bash .ci/with-postgres swift test`).
enum TestLedgers {
  static var postgres: String? { ProcessInfo.processInfo.environment["SUBSIDY_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }

  static var kinds: [String] { postgres == nil ? ["sqlite"] : ["sqlite", "postgres"] }

  /// A fresh ledger location of `kind` and how to remove it.
  static func fresh(_ kind: String) throws -> (location: String, remove: () -> Void) {
    if kind == "postgres", let base = postgres {
      let name = "server_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
      try PostgresSession(try PostgresAddress(url: base)).query("CREATE DATABASE \(name)")
      var components = try #require(URLComponents(string: base))
      components.path = "/" + name
      return (try #require(components.string), {
        _ = try? PostgresSession(try PostgresAddress(url: base)).query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
      })
    }
    let folder = ServerPaths.temporaryDirectory()
    return (folder.appendingPathComponent("ledger.sqlite").path, { try? FileManager.default.removeItem(at: folder) })
  }

  /// Creates the ledger, as `subsidy serve --ledger` does at start.
  static func prepared(_ kind: String) throws -> (location: String, remove: () -> Void) {
    let fresh = try fresh(kind)
    _ = try LedgerOpening.open(fresh.location, createIfMissing: true)
    return fresh
  }
}
