import Foundation
import Hummingbird
import HummingbirdTesting
import SubsidyServer
import Testing

/// Every endpoint through the router (HummingbirdTesting), and each of its error paths.
@Suite struct RouterTests {
  @Test func healthReportsThePolicySet() async throws {
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      try await client.execute(uri: "/healthz", method: .get) { response in
        #expect(response.status == .ok)
        let body = response.object
        #expect(body["status"] as? String == "ok")
        #expect(body["policies"] as? Int == shippedSnapshot.program.checkedPolicies.count)
        #expect(body["generation"] as? Int == 1)
      }
    }
  }

  @Test func evalOfYAMLGivesResultsWordsAndToPay() async throws {
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: try readExample("yingjiang.yaml"))) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        let body = response.object
        #expect(body["as_of"] as? String == "2024-01-20")
        #expect(body["lang"] as? String == "zh")
        let results = body["results"] as? [[String: Any]] ?? []
        let d1 = results.first { $0["subject"] as? String == "D1" && $0["policy"] as? String == "yingjiang" }
        #expect(d1?["status"] as? String == "payable")
        #expect(d1?["amount"] as? String == "100.00")
        let words = d1?["words"] as? [String: Any]
        #expect(words?["status"] as? String == "可发放")
        let d2 = results.first { $0["subject"] as? String == "D2" && $0["status"] as? String == "missing_evidence" }
        #expect(d2?["to_pay"] != nil)
        let steps = ((d2?["words"] as? [String: Any])?["to_pay"] as? [String: Any])?["steps"] as? [String] ?? []
        #expect(steps.contains { $0.contains("补交") }, "\(steps)")
      }
    }
  }

  @Test func languageComesFromTheQueryOrAcceptLanguage() async throws {
    let (app, _) = try makeApp()
    let facts = try readExample("yingjiang.yaml")
    try await app.test(.router) { client in
      for (uri, header, expected) in [("/v1/eval?lang=en", "zh-CN", "en"), ("/v1/eval", "en-GB,en;q=0.8", "en"), ("/v1/eval", "fr, zh;q=0.5", "zh"),
                                    // The weights decide, not the order; a language weighed 0 is not wanted.
                                    ("/v1/eval", "en;q=0.1, zh;q=0.9", "zh"), ("/v1/eval", "zh;q=0, en", "en"), ("/v1/eval", "zh-CN;q=0.5, en-US;q=0.5", "zh")] {
        var headers = yamlHeaders()
        headers[.acceptLanguage] = header
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: facts)) { response in
          #expect(response.object["lang"] as? String == expected, "\(uri) \(header)")
          let first = (response.object["results"] as? [[String: Any]])?.first?["words"] as? [String: Any]
          let status = first?["status"] as? String ?? ""
          #expect(expected == "en" ? status.allSatisfy(\.isASCII) : !status.allSatisfy(\.isASCII), "\(status)")
        }
      }
      try await client.execute(uri: "/v1/eval?lang=fr", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: facts)) { response in
        expectProblem(response, .badRequest, code: "bad-language")
      }
    }
  }

  @Test func evalOfJSONAndAsOfOverride() async throws {
    let (app, _) = try makeApp()
    let json = #"{"as_of": "2024-01-20", "people": [{"id": "P1", "hukou": "533123", "poverty_status": "alleviated"}]}"#
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/eval?as_of=2024-03-01", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        #expect(response.object["as_of"] as? String == "2024-03-01")
      }
      try await client.execute(uri: "/v1/eval?as_of=2024-02-30", method: .post, body: ByteBuffer(string: json)) { response in
        expectProblem(response, .badRequest, code: "bad-date")
      }
    }
  }

  @Test func badFactsGiveTheCLIsCodeLineAndColumn() async throws {
    let (app, _) = try makeApp()
    let yaml = "as_of: 2024-01-20\npeople:\n  - {id: P1, hukou: \"533123\", poverty_statu: alleviated}\n"
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: yaml)) { response in
        let problem = expectProblem(response, .unprocessableContent, code: "unknown-key")
        #expect(problem["line"] as? Int == 3)
        #expect(problem["column"] as? Int == 31)
        #expect(problem["file"] as? String == "request.yaml")
        #expect(problem["help"] as? String == "did you mean `poverty_status`?")
        #expect((problem["detail"] as? String)?.hasPrefix("request.yaml:3:31: error[unknown-key]") == true, "\(problem)")
        #expect((problem["diagnostics"] as? [[String: Any]])?.isEmpty == false)
      }
      // Strict JSON: a trailing comma is a JSON syntax error at its place.
      try await client.execute(uri: "/v1/eval", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"as_of\": \"2024-01-20\",}")) { response in
        let problem = expectProblem(response, .unprocessableContent, code: "json-syntax")
        #expect(problem["line"] as? Int == 1)
      }
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: "people: []\n")) { response in
        expectProblem(response, .unprocessableContent, code: "no-as-of")
      }
      try await client.execute(uri: "/v1/eval", method: .post, headers: [.contentType: "text/csv"], body: ByteBuffer(string: "a,b\n")) { response in
        expectProblem(response, .unsupportedMediaType, code: "unsupported-media-type")
      }
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(bytes: [0x61, 0x3A, 0x20, 0xFF, 0xFE])) { response in
        expectProblem(response, .badRequest, code: "not-text")
      }
    }
  }

  @Test func idNumbersAreMaskedInResultsAndInProblems() async throws {
    let (app, _) = try makeApp()
    let number = "533123199001011236"
    let good = "as_of: 2024-01-20\npeople:\n  - {id: \"\(number)\", hukou: \"533123\", id_number: \"\(number)\", poverty_status: alleviated}\n"
    let mistyped = "as_of: 2024-01-20\npeople:\n  - {id: P1, hukou: \"533123\", id_number: \"533123199001011235\"}\n"
    try await app.test(.router) { client in
      for body in [good, mistyped] {
        try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: body)) { response in
          #expect(!response.text.contains("19900101"), "\(response.text.prefix(600))")
        }
      }
      try await client.execute(uri: "/v1/eval", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: mistyped)) { response in
        let problem = expectProblem(response, .unprocessableContent, code: "invalid-id-number")
        #expect(problem["line"] as? Int == 3)
      }
    }
  }

  @Test func bodiesOverTheLimitAreRefused() async throws {
    let (app, _) = try makeApp(maxBody: 2048)
    let big = "as_of: 2024-01-20\n" + String(repeating: "# padding\n", count: 400)
    try await app.test(.router) { client in
      for uri in ["/v1/eval", "/v1/check"] {
        try await client.execute(uri: uri, method: .post, headers: yamlHeaders(), body: ByteBuffer(string: big)) { response in
          expectProblem(response, .contentTooLarge, code: "body-too-large")
        }
      }
    }
  }

  @Test func checkReportsDiagnosticsAsTheCLIDoesAndWritesNothing() async throws {
    let (app, _) = try makeApp()
    let policy = try String(contentsOfFile: ServerPaths.policies + "/sandu.yaml", encoding: .utf8)
    let broken = policy.replacingOccurrences(of: "poverty_status", with: "povrty_status")
    #expect(broken != policy)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/check", method: .post, body: ByteBuffer(string: try Self.map(["sandu.yaml": policy]))) { response in
        #expect(response.status == .ok, "\(response.text.prefix(400))")
        #expect(response.object["ok"] as? Bool == true)
        #expect(response.object["policies"] as? Int == 1)
      }
      try await client.execute(uri: "/v1/check", method: .post, body: ByteBuffer(string: try Self.map(["sandu.yaml": broken]))) { response in
        #expect(response.status == .ok)
        #expect(response.object["ok"] as? Bool == false)
        let diagnostics = response.object["diagnostics"] as? [[String: Any]] ?? []
        let first = diagnostics.first { ($0["code"] as? String) == "unknown-field" }
        #expect(first != nil, "\(diagnostics)")
        let span = first?["span"] as? [String: Any]
        #expect(span?["file"] as? String == "sandu.yaml", "\(String(describing: first))")
        let line = broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("povrty_status") }.map { $0 + 1 }
        #expect((span?["start"] as? [String: Any])?["line"] as? Int == line)
      }
    }
  }

  /// A draft overlay sent alone is checked on the served policy it extends; only its own file is reported on.
  @Test func checkOfAnOverlayUsesTheServedBase() async throws {
    let (app, _) = try makeApp()
    let draft = try String(contentsOf: ServerPaths.examples.appendingPathComponent("variants/yingjiang-2026-draft.yaml"), encoding: .utf8)
    let broken = draft.replacingOccurrences(of: "extends: yingjiang", with: "extends: yingjang")
    #expect(broken != draft)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/check", method: .post, body: ByteBuffer(string: try Self.map(["draft.yaml": draft]))) { response in
        #expect(response.object["ok"] as? Bool == true, "\(response.text.prefix(600))")
        #expect(response.object["policies"] as? Int == 1)
        let files = (response.object["diagnostics"] as? [[String: Any]] ?? []).compactMap { ($0["span"] as? [String: Any])?["file"] as? String }
        #expect(files.allSatisfy { $0 == "draft.yaml" }, "\(files)")
      }
      try await client.execute(uri: "/v1/check", method: .post, body: ByteBuffer(string: try Self.map(["draft.yaml": broken]))) { response in
        #expect(response.object["ok"] as? Bool == false)
        let codes = (response.object["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("unknown-base"), "\(codes)")
      }
    }
  }

  @Test func checkRefusesBadMaps() async throws {
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      let cases: [(String, String)] = [
        ("not json", "json-syntax"), ("[1, 2]", "not-a-file-map"), ("{}", "file-count"),
        (#"{"a.yaml": 3}"#, "not-a-file-map"), (#"{"../etc/passwd.yaml": "x"}"#, "bad-file-name"),
        (#"{"policy.txt": "x"}"#, "bad-file-name"), (#"{".hidden.yaml": "x"}"#, "bad-file-name"),
      ]
      for (body, code) in cases {
        try await client.execute(uri: "/v1/check", method: .post, body: ByteBuffer(string: body)) { response in
          expectProblem(response, .badRequest, code: code)
        }
      }
    }
  }

  @Test func policiesAndRulesInPlainWords() async throws {
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/policies", method: .get) { response in
        let ids = (response.object["policies"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(ids.sorted() == shippedSnapshot.program.checkedPolicies.map(\.id).sorted())
      }
      try await client.execute(uri: "/v1/policies/yingjiang?on=2024-01-20", method: .get) { response in
        #expect(response.status == .ok)
        let body = response.object
        #expect(body["id"] as? String == "yingjiang")
        #expect((body["parameters"] as? [[String: Any]])?.first?["values"] is [[String: Any]])
        let rules = body["rules"] as? [[String: Any]] ?? []
        #expect(rules.count == shippedSnapshot.program.checkedPolicies.first { $0.id == "yingjiang" }?.rules.count)
        #expect((rules.first?["plain"] as? String)?.contains("条文") == true)
      }
      let rule = shippedSnapshot.program.checkedPolicies.first { $0.id == "yingjiang" }?.rules.first?.id ?? ""
      try await client.execute(uri: "/v1/policies/yingjiang/rules/\(rule)?lang=en", method: .get) { response in
        #expect(response.status == .ok)
        #expect(response.object["id"] as? String == rule)
        #expect((response.object["plain"] as? String)?.contains("Clause: ") == true)
      }
    }
  }

  @Test func unknownAndInvalidIdsAreRefused() async throws {
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/policies/yingjang", method: .get) { response in
        let problem = expectProblem(response, .notFound, code: "unknown-policy")
        #expect((problem["help"] as? String)?.contains("yingjiang") == true)
      }
      try await client.execute(uri: "/v1/policies/yingjiang/rules/no_such_rule", method: .get) { response in
        expectProblem(response, .notFound, code: "unknown-rule")
      }
      for uri in ["/v1/policies/..%2F..%2Fetc%2Fpasswd", "/v1/policies/a.b", "/v1/policies/yingjiang/rules/%00"] {
        try await client.execute(uri: uri, method: .get) { response in
          expectProblem(response, .badRequest, code: "bad-id")
        }
      }
      try await client.execute(uri: "/v1/nothing", method: .get) { response in
        expectProblem(response, .notFound, code: "no-such-route")
      }
      try await client.execute(uri: "/v1/policies?on=tomorrow", method: .get) { response in
        #expect(response.status == .ok)  // `on` is read only where rules are worded
      }
      try await client.execute(uri: "/v1/policies/yingjiang?on=tomorrow", method: .get) { response in
        expectProblem(response, .badRequest, code: "bad-date")
      }
    }
  }

  @Test func noCORSHeaders() async throws {
    let (app, _) = try makeApp()
    try await app.test(.router) { client in
      try await client.execute(uri: "/healthz", method: .get, headers: [.origin: "https://elsewhere.example"]) { response in
        #expect(response.headers[.accessControlAllowOrigin] == nil)
      }
      try await client.execute(uri: "/v1/eval", method: .options, headers: [.origin: "https://elsewhere.example", .accessControlRequestMethod: "POST"]) { response in
        #expect(response.headers[.accessControlAllowOrigin] == nil)
        expectProblem(response, .methodNotAllowed, code: "method-not-allowed")
        #expect(response.headers[.allow] == "POST")
      }
      try await client.execute(uri: "/v1/policies/yingjiang", method: .delete) { response in
        expectProblem(response, .methodNotAllowed, code: "method-not-allowed")
        #expect(response.headers[.allow] == "GET")
      }
    }
  }

  static func map(_ files: [String: String]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: files), as: UTF8.self)
  }
}
