import Foundation
import Hummingbird
import HummingbirdTesting
import SubsidyServer
import Testing

/// The page's 规则编辑 endpoints: `GET /v1/policies/{id}/source` and `POST /v1/test`, with each error path.
@Suite struct EditorRouteTests {
  static func shipped(_ name: String) throws -> String {
    try String(contentsOfFile: ServerPaths.policies + "/" + name, encoding: .utf8)
  }

  static func body(policies: [String: String], tests: [String: String]) throws -> ByteBuffer {
    ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["policies": policies, "tests": tests]))
  }

  /// The draft of yingjiang with 七（一）'s amount changed from 100 to 150: its tests must fail.
  static func raisedDraft() throws -> String {
    let policy = try shipped("yingjiang.yaml")
    let draft = policy.replacingOccurrences(of: "      2023-08-24: 100\n", with: "      2023-08-24: 150\n")
    #expect(draft != policy)
    return draft
  }

  @Test func sourceGivesThePolicyTextAndItsTests() async throws {
    let (app, _) = try makeApp()
    let policy = try Self.shipped("yingjiang.yaml"), tests = try Self.shipped("tests/yingjiang.yaml")
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/policies/yingjiang/source", method: .get) { response in
        #expect(response.status == .ok)
        let body = response.object
        #expect(body["id"] as? String == "yingjiang")
        #expect(body["file"] as? String == "yingjiang.yaml")
        #expect(body["text"] as? String == policy)
        let served = body["tests"] as? [String: String] ?? [:]
        #expect(served.keys.sorted() == ["yingjiang.yaml"])
        #expect(served["yingjiang.yaml"] == tests)
        #expect(!response.text.contains(ServerPaths.root.path), "the server's own paths are not shown")
      }
      try await client.execute(uri: "/v1/policies/yingjang/source", method: .get) { response in
        let problem = expectProblem(response, .notFound, code: "unknown-policy")
        #expect((problem["help"] as? String)?.contains("yingjiang") == true)
      }
      try await client.execute(uri: "/v1/policies/..%2Fsecrets/source", method: .get) { response in
        expectProblem(response, .badRequest, code: "bad-id")
      }
      try await client.execute(uri: "/v1/policies/yingjiang/source", method: .post) { response in
        expectProblem(response, .methodNotAllowed, code: "method-not-allowed")
      }
    }
  }

  @Test func theShippedPolicyPassesItsTests() async throws {
    let (app, _) = try makeApp()
    let cases = try Self.shipped("tests/yingjiang.yaml").components(separatedBy: "\n  - name:").count - 1
    try await app.test(.router) { client in
      let body = try Self.body(policies: ["yingjiang.yaml": try Self.shipped("yingjiang.yaml")],
                               tests: ["yingjiang.yaml": try Self.shipped("tests/yingjiang.yaml")])
      try await client.execute(uri: "/v1/test", method: .post, headers: [.contentType: "application/json"], body: body) { response in
        #expect(response.status == .ok, "\(response.text.prefix(400))")
        let report = response.object
        #expect(report["ok"] as? Bool == true, "\(response.text.prefix(600))")
        #expect(report["passed"] as? Int == cases)
        #expect(report["failed"] as? Int == 0)
        #expect((report["failures"] as? [Any])?.isEmpty == true)
        let coverage = report["coverage"] as? [String: Any]
        #expect((coverage?["rules_tested"] as? Int ?? 0) > 0)
        let byRule = coverage?["by_rule"] as? [[String: Any]] ?? []
        #expect(byRule.allSatisfy { $0["policy"] as? String == "yingjiang" }, "only the draft's policy is compiled")
      }
    }
  }

  @Test func aChangedAmountFailsTheCasesThatExpectTheOldOne() async throws {
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      let body = try Self.body(policies: ["yingjiang.yaml": try Self.raisedDraft()],
                               tests: ["yingjiang.yaml": try Self.shipped("tests/yingjiang.yaml")])
      try await client.execute(uri: "/v1/test", method: .post, body: body) { response in
        #expect(response.status == .ok)
        let report = response.object
        #expect(report["ok"] as? Bool == false)
        #expect((report["failed"] as? Int ?? 0) > 0)
        let failures = report["failures"] as? [[String: Any]] ?? []
        let amount = failures.first { ($0["message"] as? String)?.contains("amount: expected `100.00`, got `150.00`") == true }
        #expect(amount != nil, "\(failures.prefix(2))")
        #expect(amount?["file"] as? String == "yingjiang.yaml")
        #expect((amount?["line"] as? Int ?? 0) > 1)
        #expect((amount?["explanation"] as? [[String: Any]])?.isEmpty == false)
      }
    }
  }

  /// The server's document is `subsidy test --format json`'s for the same files (their folder aside).
  @Test func theDocumentIsTheCLIs() async throws {
    let executable = try #require(ServerPaths.executable, "the `subsidy` executable is not built")
    let folder = ServerPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tests = folder.appendingPathComponent("tests")
    try FileManager.default.createDirectory(at: tests, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: ServerPaths.policies) where name.hasSuffix(".schema.yaml") {
      try FileManager.default.copyItem(atPath: ServerPaths.policies + "/" + name, toPath: folder.appendingPathComponent(name).path)
    }
    let draft = try Self.raisedDraft()
    let testText = try Self.shipped("tests/yingjiang.yaml")
    try draft.write(to: folder.appendingPathComponent("yingjiang.yaml"), atomically: true, encoding: .utf8)
    try testText.write(to: tests.appendingPathComponent("yingjiang.yaml"), atomically: true, encoding: .utf8)
    let cli = try EvalParityTests.run(executable, ["test", folder.path, "--format", "json"])
    #expect(cli.status == 3, "\(cli.stderr)")
    // The CLI names the test file by its path in the folder; the server by the name it was sent under.
    let expected = try EvalParityTests.canonical(try JSONSerialization.jsonObject(
      with: Data(cli.stdout.replacingOccurrences(of: tests.path + "/", with: "").utf8)))
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/test", method: .post, body: try Self.body(policies: ["yingjiang.yaml": draft], tests: ["yingjiang.yaml": testText])) { response in
        #expect(response.status == .ok)
        let got = try EvalParityTests.canonical(response.object)
        #expect(got == expected)
      }
    }
  }

  @Test func aDraftThatFailsCheckIsRefusedWithItsDiagnostics() async throws {
    let (app, _) = try makeApp()
    let policy = try Self.shipped("yingjiang.yaml")
    let broken = policy.replacingOccurrences(of: "person.poverty_status", with: "person.povrty_status")
    let line = broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("povrty_status") }.map { $0 + 1 }
    try await app.test(.router) { client in
      let body = try Self.body(policies: ["yingjiang.yaml": broken], tests: ["yingjiang.yaml": try Self.shipped("tests/yingjiang.yaml")])
      try await client.execute(uri: "/v1/test", method: .post, body: body) { response in
        let problem = expectProblem(response, .unprocessableContent, code: "unknown-field")
        #expect(problem["file"] as? String == "yingjiang.yaml")
        #expect(problem["line"] as? Int == line)
        #expect((problem["type"] as? String) == "urn:subsidy:problem:policies-invalid")
      }
    }
  }

  @Test func testFileProblemsAreReportedNotThrown() async throws {
    let (app, _) = try makeApp()
    let policy = try Self.shipped("yingjiang.yaml")
    try await app.test(.router) { client in
      let unknown = "policy: yingjang\ncases: []\n"
      try await client.execute(uri: "/v1/test", method: .post, body: try Self.body(policies: ["yingjiang.yaml": policy], tests: ["t.yaml": unknown])) { response in
        #expect(response.status == .ok)
        #expect(response.object["ok"] as? Bool == false)
        let diagnostics = response.object["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.contains { $0["code"] as? String == "unknown-policy" }, "\(diagnostics)")
      }
      let typo = "policy: yingjiang\ncases:\n  - name: x\n    as_of: 2024-01-01\n    facts: {}\n    expect: []\n    expct: []\n"
      try await client.execute(uri: "/v1/test", method: .post, body: try Self.body(policies: ["yingjiang.yaml": policy], tests: ["t.yaml": typo])) { response in
        #expect(response.object["ok"] as? Bool == false)
        let diagnostics = response.object["diagnostics"] as? [[String: Any]] ?? []
        let key = diagnostics.first { $0["code"] as? String == "unknown-key" }
        #expect(((key?["span"] as? [String: Any])?["start"] as? [String: Any])?["line"] as? Int == 7, "\(diagnostics)")
      }
    }
  }

  @Test func badRequestsAreRefused() async throws {
    let (app, _) = try makeApp()
    let cases: [(String, String)] = [
      ("not json", "json-syntax"), ("[1]", "not-a-test-request"), (#"{"policies": {"a.yaml": "x"}}"#, "not-a-test-request"),
      (#"{"policies": {"a.yaml": "x"}, "tests": {"t.yaml": "y"}, "extra": 1}"#, "not-a-test-request"),
      (#"{"policies": "x", "tests": {"t.yaml": "y"}}"#, "not-a-file-map"), (#"{"policies": {}, "tests": {"t.yaml": "y"}}"#, "file-count"),
      (#"{"policies": {"a.yaml": "x"}, "tests": {"../t.yaml": "y"}}"#, "bad-file-name"),
      (#"{"policies": {"a.yaml": 1}, "tests": {"t.yaml": "y"}}"#, "not-a-file-map"),
    ]
    try await app.test(.router) { client in
      for (body, code) in cases {
        try await client.execute(uri: "/v1/test", method: .post, body: ByteBuffer(string: body)) { response in
          expectProblem(response, .badRequest, code: code)
        }
      }
      try await client.execute(uri: "/v1/test", method: .get) { response in
        expectProblem(response, .methodNotAllowed, code: "method-not-allowed")
      }
    }
    let (small, _) = try makeApp(maxBody: 1024)
    try await small.test(.router) { client in
      let body = try Self.body(policies: ["yingjiang.yaml": try Self.shipped("yingjiang.yaml")], tests: ["t.yaml": "policy: yingjiang\n"])
      try await client.execute(uri: "/v1/test", method: .post, body: body) { response in
        expectProblem(response, .contentTooLarge, code: "body-too-large")
      }
    }
  }

  /// The policy folder is the same after a test run and a check: drafts are never written.
  @Test func nothingIsWrittenOnDisk() async throws {
    func listing() throws -> [String: Date] {
      var out: [String: Date] = [:]
      for folder in [ServerPaths.policies, ServerPaths.policies + "/tests"] {
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
          out[folder + "/" + name] = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.modificationDate] as? Date
        }
      }
      return out
    }
    let before = try listing()
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      let body = try Self.body(policies: ["yingjiang.yaml": try Self.raisedDraft()], tests: ["yingjiang.yaml": try Self.shipped("tests/yingjiang.yaml")])
      try await client.execute(uri: "/v1/test", method: .post, body: body) { response in
        #expect(response.status == .ok)
      }
    }
    #expect(try listing() == before)
  }
}
