import Foundation
import Hummingbird
import HummingbirdTesting
import SubsidyServer
import Testing

/// `POST /v1/eval` answers what `subsidy eval --format json` prints, for every example: the server's
/// own additions (`lang`, each result's `words`) aside, the documents are equal.
@Suite struct EvalParityTests {
  static var examples: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: ServerPaths.examples.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted()
  }

  @Test func thereAreExamples() {
    #expect(Self.examples.count >= 5, "\(Self.examples)")
  }

  @Test(arguments: examples)
  func serverMatchesTheCLI(_ example: String) async throws {
    let executable = try #require(ServerPaths.executable, "the `subsidy` executable is not built")
    let path = ServerPaths.examples.appendingPathComponent(example).path
    let cli = try Self.run(executable, ["eval", path, "--policies", ServerPaths.policies, "--format", "json"])
    #expect(cli.status == 0, "\(cli.stderr)")
    let expected = try Self.canonical(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)))
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: try readExample(example))) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        var served = response.object
        #expect(served["lang"] as? String == "zh")
        served["lang"] = nil
        let results = (served["results"] as? [[String: Any]] ?? []).map { result -> [String: Any] in
          #expect(result["words"] != nil)
          var r = result
          r["words"] = nil
          return r
        }
        served["results"] = results
        #expect(!results.isEmpty)
        let got = try Self.canonical(served)
        #expect(got == expected, "\(example): the server's results differ from `subsidy eval --format json`")
      }
    }
  }

  /// JSON text with sorted keys, so two documents compare by content.
  static func canonical(_ object: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
  }

  static func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = ServerPaths.temporaryDirectory()
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if let directory = process.currentDirectoryURL { try? FileManager.default.removeItem(at: directory) }
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
  }
}
