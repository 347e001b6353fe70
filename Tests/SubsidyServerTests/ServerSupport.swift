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

  static func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("subsidy-server-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
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
