import Foundation
import Hummingbird
import HummingbirdTesting
import SubsidyServer
import Testing

/// Paths in the repository, found from this file so tests run from any working directory.
enum ServerPaths {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static var policies: String { root.appendingPathComponent("policies").path }
  static var examples: URL { root.appendingPathComponent("examples") }
  static var executable: URL? {
    let candidates = [
      Bundle.main.bundleURL.appendingPathComponent("subsidy"),
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("subsidy"),
      root.appendingPathComponent(".build/debug/subsidy"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }

  /// A fresh folder for one test, inside this process's `testFolders`: a test may remove it when done
  /// (to free the disk early), but need not.
  static func temporaryDirectory() -> URL {
    let url = testFolders.appendingPathComponent(UUID().uuidString)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The one folder this test process makes its folders in (`subsidy-server-tests-<UUID>` in the
  /// temporary folder), removed with all they hold when the process exits. Before, a folder a test did
  /// not remove (or one whose test failed first) stayed for good.
  static let testFolders: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("subsidy-server-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: ServerPaths.testFolders) }
    return url
  }()
}

/// The shipped policies, loaded once for the tests that only read them.
let shippedSnapshot: PolicySnapshot = {
  guard case .success(let snapshot) = PolicySnapshot.load([ServerPaths.policies], generation: 1) else {
    fatalError("the shipped policies fail check")
  }
  return snapshot
}()

let testToken = "test-token-0123456789abcdef"

/// An application over a store of `paths` (the shipped policies by default).
func makeApp(paths: [String] = [ServerPaths.policies], token: String? = testToken, maxBody: Int = ServerOptions.defaultMaxBody,
             metrics: ServerMetrics = ServerMetrics()) throws -> (some ApplicationProtocol, PolicyStore) {
  let initial: PolicySnapshot
  if paths == [ServerPaths.policies] {
    initial = shippedSnapshot
  } else {
    initial = try PolicySnapshot.load(paths, generation: 1).get()
  }
  let store = PolicyStore(paths: paths, initial: initial)
  let options = ServerOptions(policies: paths, token: token, maxBody: maxBody, requestSeconds: 5)
  return (Application(router: SubsidyServer.router(store: store, options: options, metrics: metrics)), store)
}

extension TestResponse {
  var text: String { String(buffer: body) }

  /// The body as a JSON object; records a failure when it is not one.
  var object: [String: Any] {
    let value = try? JSONSerialization.jsonObject(with: Data(text.utf8))
    #expect(value is [String: Any], "not a JSON object: \(text.prefix(300))")
    return value as? [String: Any] ?? [:]
  }
}

/// Asserts a problem document (RFC 9457) with this status and code; returns it.
@discardableResult
func expectProblem(_ response: TestResponse, _ status: HTTPResponse.Status, code: String,
                   sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
  #expect(response.status == status, "\(response.text.prefix(400))", sourceLocation: sourceLocation)
  #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true, sourceLocation: sourceLocation)
  let problem = response.object
  #expect(problem["code"] as? String == code, "\(problem)", sourceLocation: sourceLocation)
  #expect(problem["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
  #expect((problem["type"] as? String)?.hasPrefix("urn:subsidy:problem:") == true, sourceLocation: sourceLocation)
  #expect(problem["title"] is String && problem["detail"] is String, sourceLocation: sourceLocation)
  return problem
}

func yamlHeaders() -> HTTPFields { [.contentType: "application/yaml"] }

func readExample(_ name: String) throws -> String {
  try String(contentsOf: ServerPaths.examples.appendingPathComponent(name), encoding: .utf8)
}

/// A plain TCP exchange with a server on the loopback address, for what an HTTP client library will
/// not send (a body shorter than its `Content-Length`, an upload cut off half way).
enum Loopback {
  /// A connection to the loopback address, or nil; with `receiveBuffer`, its receive buffer in bytes
  /// (set before connecting, so the window the server sees is that small).
  static func open(port: Int, receiveBuffer: Int32? = nil) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
      close(fd)
      return nil
    }
    return fd
  }

  /// Sends all of `data` (blocking while the server takes it in); false when the server closed the
  /// connection first (no SIGPIPE: it would end the test process).
  @discardableResult
  static func sendAll(_ fd: Int32, _ data: Data) -> Bool {
    data.withUnsafeBytes { bytes in
      var sent = 0
      while sent < bytes.count {
        let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
        if n <= 0 { return false }
        sent += n
      }
      return true
    }
  }

  /// Closes the connection with a reset (RST), as a client that crashed or gave up does: the server's
  /// side is closed at once, not half-closed.
  static func reset(_ fd: Int32) {
    var option = linger(l_onoff: 1, l_linger: 0)
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    close(fd)
  }

  /// Sends `request`; with `halfClose`, closes the sending side after it (an upload that stops) and
  /// reads until the server closes. Without, reads until the server closes or a whole JSON answer
  /// has come (the connection may be kept alive). Reads wait at most 20 s: CI machines are shared.
  static func exchange(port: Int, _ request: String, halfClose: Bool = false) throws -> String {
    let fd = try #require(open(port: port), "cannot connect to 127.0.0.1:\(port)")
    defer { close(fd) }
    var timeout = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
      if n <= 0 { break }
      sent += n
    }
    if halfClose { shutdown(fd, Int32(SHUT_WR)) }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n <= 0 { break }
      received += buffer[0..<n]
      if !halfClose, let text = String(bytes: received, encoding: .utf8), text.contains("\r\n\r\n"), text.hasSuffix("}\n") { break }
    }
    return String(decoding: received, as: UTF8.self)
  }
}
