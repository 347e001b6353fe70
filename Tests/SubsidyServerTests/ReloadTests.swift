import Foundation
import Hummingbird
import HummingbirdTesting
import SubsidyServer
import Testing

/// `POST /v1/reload` (authorised), the set kept when a reload fails, one whole set per request, and `/metrics`.
@Suite struct ReloadTests {
  /// A copy of the shipped policies in a temporary folder, to change under the server.
  static func copyOfPolicies() throws -> URL {
    let folder = ServerPaths.temporaryDirectory().appendingPathComponent("policies")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: ServerPaths.policies) where name.hasSuffix(".yaml") {
      try FileManager.default.copyItem(atPath: ServerPaths.policies + "/" + name, toPath: folder.appendingPathComponent(name).path)
    }
    return folder
  }

  /// Sets yingjiang's 七（一） rate (100 in the shipped file).
  static func setRate(_ rate: Int, in folder: URL) throws {
    let file = folder.appendingPathComponent("yingjiang.yaml")
    let text = try String(contentsOf: file, encoding: .utf8)
    let changed = text.replacingOccurrences(of: #"2023-08-24: \d+\n  hu_dian_subsidy"#, with: "2023-08-24: \(rate)\n  hu_dian_subsidy", options: .regularExpression)
    #expect(changed != text || text.contains("2023-08-24: \(rate)\n  hu_dian_subsidy"))
    try changed.write(to: file, atomically: true, encoding: .utf8)
  }

  /// The `words` of yingjiang's first 七（一） result.
  static func words(_ response: TestResponse) -> [String: Any] {
    let results = response.object["results"] as? [[String: Any]] ?? []
    let first = results.first { $0["policy"] as? String == "yingjiang" && $0["rule"] as? String == "employment-service-subsidy" }
    return first?["words"] as? [String: Any] ?? [:]
  }

  static func amounts(_ response: TestResponse) -> [String] {
    (response.object["results"] as? [[String: Any]] ?? [])
      .filter { $0["policy"] as? String == "yingjiang" && ["D1", "D9"].contains($0["subject"] as? String) && $0["status"] as? String == "payable" }
      .compactMap { $0["amount"] as? String }
  }

  @Test func reloadNeedsTheToken() async throws {
    let folder = try Self.copyOfPolicies()
    defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    let (app, _) = try makeApp(paths: [folder.path])
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/reload", method: .post) { response in
        expectProblem(response, .unauthorized, code: "unauthorized")
        #expect(response.headers[.wwwAuthenticate] == "Bearer")
      }
      try await client.execute(uri: "/v1/reload", method: .post, headers: [.authorization: "Bearer wrong-token-0123456789abcde"]) { response in
        expectProblem(response, .unauthorized, code: "unauthorized")
      }
      try await client.execute(uri: "/v1/reload", method: .post, headers: [.authorization: "Bearer \(testToken)"]) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        #expect(response.object["generation"] as? Int == 2)
      }
    }
    let (locked, _) = try makeApp(paths: [folder.path], token: nil)
    try await locked.test(.router) { client in
      try await client.execute(uri: "/v1/reload", method: .post, headers: [.authorization: "Bearer \(testToken)"]) { response in
        expectProblem(response, .forbidden, code: "writes-disabled")
      }
    }
  }

  @Test func aBrokenSetIsRefusedAndThePreviousKeepsServing() async throws {
    let folder = try Self.copyOfPolicies()
    defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    let (app, _) = try makeApp(paths: [folder.path])
    let facts = try readExample("yingjiang.yaml")
    let auth: HTTPFields = [.authorization: "Bearer \(testToken)"]
    try await app.test(.router) { client in
      try Self.setRate(150, in: folder)
      try await client.execute(uri: "/v1/reload", method: .post, headers: auth) { response in
        #expect(response.status == .ok)
      }
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: facts)) { response in
        #expect(Self.amounts(response) == ["150.00", "150.00"])
      }
      // Break the set: an unknown field in a condition.
      let file = folder.appendingPathComponent("sandu.yaml")
      try (try String(contentsOf: file, encoding: .utf8)).replacingOccurrences(of: "poverty_status", with: "povrty_status").write(to: file, atomically: true, encoding: .utf8)
      try await client.execute(uri: "/v1/reload", method: .post, headers: auth) { response in
        let problem = expectProblem(response, .unprocessableContent, code: "unknown-field")
        #expect((problem["file"] as? String)?.hasSuffix("sandu.yaml") == true)
        #expect(problem["line"] is Int && problem["column"] is Int)
      }
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: facts)) { response in
        #expect(response.status == .ok)
        #expect(Self.amounts(response) == ["150.00", "150.00"])
      }
      try await client.execute(uri: "/healthz", method: .get) { response in
        #expect(response.object["generation"] as? Int == 2)
      }
    }
  }

  /// What a policy set's requests share (the facts loader of its schema, its clause texts and
  /// condition words) is made per set: after a reload, a request sees the new set's schema, titles,
  /// clause texts and amounts, never what was kept for the old one.
  @Test func aReloadServesTheNewSetNeverAStaleCache() async throws {
    let folder = try Self.copyOfPolicies()
    defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    let (app, _) = try makeApp(paths: [folder.path])
    let facts = try readExample("yingjiang.yaml")
    // A person with a field the shipped schema does not have.
    let nicknamed = facts.replacingOccurrences(of: "{id: P1, name: 排早干,", with: "{id: P1, nickname: 阿干, name: 排早干,")
    #expect(nicknamed != facts)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: facts)) { response in
        #expect(response.status == .ok)
        #expect((Self.words(response)["title"] as? String)?.hasPrefix("盈江县合作社组织化务工") == true)
        #expect((Self.words(response)["clause_text"] as? String)?.hasPrefix("就业补助资金。") == true)
        #expect(Self.amounts(response) == ["100.00", "100.00"])
      }
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: nicknamed)) { response in
        _ = expectProblem(response, .unprocessableContent, code: "unknown-key")
      }
      let policy = folder.appendingPathComponent("yingjiang.yaml")
      try (try String(contentsOf: policy, encoding: .utf8))
        .replacingOccurrences(of: "title: 盈江县合作社组织化务工", with: "title: 修订：盈江县合作社组织化务工")
        .replacingOccurrences(of: "    text: 就业补助资金。", with: "    text: 修订后的就业补助资金。")
        .write(to: policy, atomically: true, encoding: .utf8)
      try Self.setRate(120, in: folder)
      let schema = folder.appendingPathComponent("facts.schema.yaml")
      try (try String(contentsOf: schema, encoding: .utf8))
        .replacingOccurrences(of: "      name: {type: string, label: {zh: 姓名, en: name}}\n",
                              with: "      name: {type: string, label: {zh: 姓名, en: name}}\n      nickname: {type: string, label: {zh: 昵称, en: nickname}}\n")
        .write(to: schema, atomically: true, encoding: .utf8)
      try await client.execute(uri: "/v1/reload", method: .post, headers: [.authorization: "Bearer \(testToken)"]) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
      }
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: facts)) { response in
        #expect(response.status == .ok)
        #expect((Self.words(response)["title"] as? String)?.hasPrefix("修订：盈江县合作社组织化务工") == true)
        #expect((Self.words(response)["clause_text"] as? String)?.hasPrefix("修订后的就业补助资金。") == true)
        #expect(Self.amounts(response) == ["120.00", "120.00"])
      }
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: nicknamed)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
      }
    }
  }

  /// Requests while the set is swapped back and forth: each sees one whole set (both amounts from
  /// the same rate), and every one succeeds.
  @Test func requestsDuringReloadsSeeOneWholeSet() async throws {
    let folder = try Self.copyOfPolicies()
    defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    let (app, store) = try makeApp(paths: [folder.path])
    let facts = try readExample("yingjiang.yaml")
    try await app.test(.router) { client in
      try await withThrowingTaskGroup(of: [String].self) { group in
        group.addTask {
          for i in 0..<6 {
            try Self.setRate(i % 2 == 0 ? 200 : 100, in: folder)
            _ = store.reload()
          }
          return []
        }
        for _ in 0..<24 {
          group.addTask {
            try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: facts)) { response in
              #expect(response.status == .ok)
              return Self.amounts(response)
            }
          }
        }
        for try await amounts in group where !amounts.isEmpty {
          #expect(amounts == ["100.00", "100.00"] || amounts == ["200.00", "200.00"], "a request saw two sets: \(amounts)")
        }
      }
    }
  }

  @Test func metricsCountRequestsLatenciesAndEvaluations() async throws {
    let metrics = ServerMetrics()
    let (app, _) = try makeApp(metrics: metrics)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: try readExample("yingjiang.yaml"))) { _ in }
      try await client.execute(uri: "/v1/policies/nope", method: .get) { _ in }
      try await client.execute(uri: "/v1/nothing/\(UUID().uuidString)", method: .get) { _ in }
      try await client.execute(uri: "/metrics", method: .get) { response in
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = response.text
        #expect(text.contains(#"subsidy_http_requests_total{method="POST",route="/v1/eval",status="200"} 1"#), "\(text)")
        #expect(text.contains(#"subsidy_http_requests_total{method="GET",route="/v1/policies/{id}",status="404"} 1"#), "\(text)")
        #expect(text.contains(#"route="NotFound",status="404"} 1"#))
        #expect(text.contains(#"subsidy_http_request_duration_seconds_count{route="/v1/eval"} 1"#))
        // One answer's 38 results, counted by status (the example's own mix).
        for (status, count) in [("ineligible", 14), ("not_applicable", 8), ("due", 5), ("payable", 4), ("overdue", 3), ("pending", 2),
                                ("missing_evidence", 1), ("undetermined", 1)] {
          #expect(text.contains("subsidy_evaluations_total{status=\"\(status)\"} \(count)\n"), "\(status): \(text)")
        }
        #expect(!text.contains("nothing/"), "raw paths must not become series")
        // Every sample line is `name{labels} value` or `name value`.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
          #expect(line.range(of: #"^[a-z_]+(\{.*\})? [0-9.e+-]+$"#, options: .regularExpression) != nil, "\(line)")
        }
      }
    }
  }
}
