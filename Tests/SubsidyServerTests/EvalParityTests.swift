import Foundation
import Hummingbird
import HummingbirdTesting
import PolicyDSL
import PolicySupport
import SubsidyKit
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

  /// Every case of the officers' test files (`policies/tests/*.yaml`), read as `subsidy test` reads them.
  static var testCases: [OfficerCase] {
    let folder = ServerPaths.policies + "/tests"
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    return names.flatMap { name -> [OfficerCase] in
      guard let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else { return [] }
      var d = DiagnosticBag()
      let cases = TestFile.parse(SourceFile(path: name, text: text), into: &d)?.cases ?? []
      return cases.map { OfficerCase(file: name, name: $0.name, asOf: $0.asOf?.description, facts: YAMLText.flow($0.facts) + "\n") }
    }
  }

  @Test func thereAreOfficerCases() {
    #expect(Self.testCases.count >= 100, "\(Self.testCases.count)")
  }

  /// The case's facts, as the test runner loads them, give the same results from the server as from
  /// `subsidy eval` (the date judged on is the case's `as_of`, as `subsidy test` takes it).
  @Test(arguments: testCases)
  func serverMatchesTheCLIOnEveryTestCase(_ testCase: OfficerCase) async throws {
    let executable = try #require(ServerPaths.executable, "the `subsidy` executable is not built")
    let folder = ServerPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("case.yaml")
    try testCase.facts.write(to: path, atomically: true, encoding: .utf8)
    let cli = try Self.run(executable, ["eval", path.path, "--policies", ServerPaths.policies, "--format", "json"]
                           + (testCase.asOf.map { ["--as-of", $0] } ?? []))
    #expect(cli.status == 0, "\(cli.stderr)")
    let expected = try Self.canonical(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)))
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      let uri = "/v1/eval" + (testCase.asOf.map { "?as_of=\($0)" } ?? "")
      try await client.execute(uri: uri, method: .post, headers: yamlHeaders(), body: ByteBuffer(string: testCase.facts)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        let got = try Self.canonical(Self.contractPart(response.object))
        #expect(got == expected, "\(testCase): the server's results differ from `subsidy eval --format json`")
      }
    }
  }

  /// The served document without the server's own additions (`lang`, each result's `words`).
  static func contractPart(_ served: [String: Any]) -> [String: Any] {
    var document = served
    document["lang"] = nil
    document["results"] = (served["results"] as? [[String: Any]] ?? []).map { result -> [String: Any] in
      var r = result
      r["words"] = nil
      return r
    }
    return document
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

/// One case of an officers' test file: its facts as YAML text, and the date it is judged on.
struct OfficerCase: Sendable, CustomTestStringConvertible {
  let file: String
  let name: String
  let asOf: String?
  let facts: String
  var testDescription: String { "\(file): \(name)" }
}

/// A YAML node written back as flow-style YAML text that loads to the same node: plain scalars stay
/// plain (so `2024-01-20` is a date and `true` a boolean, as in the file), quoted ones are quoted.
enum YAMLText {
  static func flow(_ node: YAMLNode) -> String {
    switch node.kind {
    case .scalar(let text, let plain):
      if plain && text.isEmpty { return "null" }
      return plain && safePlain(text) ? text : quoted(text)
    case .sequence(let items):
      return "[" + items.map(flow).joined(separator: ", ") + "]"
    case .mapping(let pairs):
      return "{" + pairs.map { quoted($0.key.value) + ": " + flow($0.value) }.joined(separator: ", ") + "}"
    }
  }

  /// A plain scalar that means the same bare inside a flow collection (no indicator it would end at).
  static func safePlain(_ text: String) -> Bool {
    !text.isEmpty && !text.contains(where: { ",[]{}#\"'\n".contains($0) }) && !text.contains(": ") && !text.hasSuffix(":")
      && !text.hasPrefix(" ") && !text.hasSuffix(" ")
  }

  static func quoted(_ text: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
    return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
  }
}
