import Foundation
import Hummingbird
import HummingbirdTesting
import SubsidyServer
import Testing

/// `POST /v1/compare`: the bytes of `subsidy compare --format json` for the same cohort and policies
/// (the repository's cohorts, YAML and CSV, an overlay, English), and each refusal.
@Suite struct CompareRouteTests {
  static let cohorts = ServerPaths.examples.appendingPathComponent("cohorts")
  static let variants = ServerPaths.examples.appendingPathComponent("variants").path

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var file: String
    var policies: [String]
    var asOf: String?
    var lang: String?
    var overlays = false
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "village YAML, three regions", file: "village-2024.yaml", policies: ["yingjiang", "sandu", "xiangxi"]),
    Case(name: "village CSV, three regions", file: "village-2024.csv", policies: ["yingjiang", "sandu", "xiangxi"], asOf: "2024-06-30"),
    Case(name: "village YAML in English", file: "village-2024.yaml", policies: ["xiangxi", "yingjiang"], lang: "en"),
    Case(name: "village CSV, a base and its draft overlay", file: "village-2024.csv", policies: ["yingjiang", "yingjiang-2026-draft"],
         asOf: "2024-06-30", overlays: true),
  ]

  /// The CLI in a folder holding the cohort as `request.<ext>`, so its `input` is the server's name.
  @Test(arguments: cases)
  func serverAnswersTheCLIsBytes(_ c: Case) async throws {
    let ext = c.file.hasSuffix(".csv") ? "csv" : "yaml"
    let folder = ServerPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = try String(contentsOf: Self.cohorts.appendingPathComponent(c.file), encoding: .utf8)
    try text.write(to: folder.appendingPathComponent("request.\(ext)"), atomically: true, encoding: .utf8)
    let paths = c.overlays ? [ServerPaths.policies, Self.variants] : [ServerPaths.policies]
    var arguments = ["compare", "request.\(ext)", "--format", "json"] + paths.flatMap { ["--policies", $0] } + c.policies.flatMap { ["--policy", $0] }
    if let asOf = c.asOf { arguments += ["--as-of", asOf] }
    if let lang = c.lang { arguments += ["--lang", lang] }
    let cli = try await runSubsidy(arguments, in: folder)
    #expect(cli.status == 0, "\(cli.stderr)")
    #expect(cli.stdout.contains("\"totals\""))

    var parameters = "policies=\(c.policies.joined(separator: ","))"
    if let asOf = c.asOf { parameters += "&as_of=\(asOf)" }
    if let lang = c.lang { parameters += "&lang=\(lang)" }
    let query = parameters
    let app = try makeAPIApp(paths: paths, ledger: nil)
    try await app.test(.router) { client in
      let type = ext == "csv" ? "text/csv" : "application/yaml"
      try await client.execute(uri: "/v1/compare?\(query)", method: .post, headers: [.contentType: type], body: ByteBuffer(string: text)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(400))")
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        #expect(response.text == cli.stdout, "\(c.name): the server's report differs from `subsidy compare --format json`")
      }
      // The page's form: the cohort's text in a JSON object, with the policies and the date.
      var wrapper: [String: Any] = ["policies": c.policies, "cohort": text, "format": ext]
      if let asOf = c.asOf { wrapper["as_of"] = asOf }
      let body = String(decoding: try JSONSerialization.data(withJSONObject: wrapper), as: UTF8.self)
      try await client.execute(uri: "/v1/compare" + (c.lang.map { "?lang=\($0)" } ?? ""), method: .post,
                               headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(400))")
        #expect(response.text == cli.stdout, "\(c.name): the wrapped request differs from the CLI")
      }
    }
  }

  /// Known figures, so the parity above cannot pass by both sides being empty.
  @Test func theReportCarriesTotalsAndChanges() async throws {
    let app = try makeAPIApp(ledger: nil)
    let text = try String(contentsOf: Self.cohorts.appendingPathComponent("village-2024.yaml"), encoding: .utf8)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/compare?policies=yingjiang,sandu", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: text)) { response in
        let body = response.object
        let totals = body["totals"] as? [[String: Any]] ?? []
        #expect(totals.map { $0["policy"] as? String } == ["yingjiang", "sandu"])
        #expect(totals.allSatisfy { ($0["payable"] as? String)?.contains(".") == true })
        #expect((body["beneficiaries"] as? [Any])?.isEmpty == false)
        let changes = body["changes"] as? [[String: Any]] ?? []
        #expect(changes.first?["from"] as? String == "yingjiang" && changes.first?["to"] as? String == "sandu")
        #expect(body["input"] as? String == "request.yaml")
      }
    }
  }

  @Test func idNumbersInTheCohortAreMasked() async throws {
    let number = "533123199001011236"
    let facts = """
      as_of: 2024-06-30
      people:
        - {id: "\(number)", name: 张三, hukou: "533123", id_number: "\(number)", poverty_status: alleviated}
      organizations:
        - {id: O1, kind: hr_service_agency, location: "533123", licensed: true}
      dispatches:
        - {id: D1, person: "\(number)", organizer: O1, destination: "350981", organized: true, start: 2023-10-01, evidence: [organized_export_roster, income_proof]}
      """
    let app = try makeAPIApp(ledger: nil)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/compare?policies=yingjiang,sandu", method: .post, headers: yamlHeaders(), body: ByteBuffer(string: facts)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        #expect(!response.text.contains("19900101"), "\(response.text.prefix(600))")
        #expect(response.text.contains("533123********1236"))
      }
    }
  }

  @Test func refusals() async throws {
    let app = try makeAPIApp(ledger: nil, maxBody: 4096)
    let yaml = try String(contentsOf: Self.cohorts.appendingPathComponent("village-2024.yaml"), encoding: .utf8)
    let small = "as_of: 2024-06-30\npeople:\n  - {id: P1, hukou: \"533123\", poverty_status: alleviated}\n"
    try await app.test(.router) { client in
      func post(_ uri: String, _ body: String, type: String = "application/yaml") async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: [.contentType: type], body: ByteBuffer(string: body)) { $0 }
      }
      expectProblem(try await post("/v1/compare", small), .badRequest, code: "too-few-policies")
      expectProblem(try await post("/v1/compare?policies=yingjiang", small), .badRequest, code: "too-few-policies")
      expectProblem(try await post("/v1/compare?policies=yingjiang,yingjiang", small), .badRequest, code: "policies-repeated")
      expectProblem(try await post("/v1/compare?policies=yingjiang,..%2Fetc", small), .badRequest, code: "bad-id")
      let unknown = expectProblem(try await post("/v1/compare?policies=yingjiang,sandoo", small), .unprocessableContent, code: "unknown-policy")
      #expect((unknown["help"] as? String)?.contains("sandu") == true, "\(unknown)")
      expectProblem(try await post("/v1/compare?policies=yingjiang,sandu", small, type: "text/plain"), .unsupportedMediaType, code: "unsupported-media-type")
      expectProblem(try await post("/v1/compare?policies=yingjiang,sandu&lang=fr", small), .badRequest, code: "bad-language")
      expectProblem(try await post("/v1/compare?policies=yingjiang,sandu&detail=-1", small), .badRequest, code: "bad-parameter")
      expectProblem(try await post("/v1/compare?policies=yingjiang,sandu&as_of=2024-13-01", small), .badRequest, code: "bad-date")
      expectProblem(try await post("/v1/compare?policies=yingjiang,sandu", yaml), .contentTooLarge, code: "body-too-large")
      // The facts loader's code, line and column, as `subsidy compare` reports them.
      let typo = expectProblem(try await post("/v1/compare?policies=yingjiang,sandu", small.replacingOccurrences(of: "poverty_status", with: "poverty_statu")),
                               .unprocessableContent, code: "unknown-key")
      #expect(typo["file"] as? String == "request.yaml" && typo["line"] as? Int == 3, "\(typo)")
      expectProblem(try await post("/v1/compare?policies=yingjiang,sandu", "people: []\n"), .unprocessableContent, code: "no-as-of")
      let header = "dispatch_id,person_id,person_hukou,destination,start\nD1,P1,533123,350981,2024-01-01\n"
      expectProblem(try await post("/v1/compare?policies=yingjiang,sandu", header, type: "text/csv"), .unprocessableContent, code: "no-as-of")
      let columns = expectProblem(try await post("/v1/compare?policies=yingjiang,sandu&as_of=2024-06-30", "dispatch_id,person_id,person_hukou,destination,start,person_nmae\nD1,P1,533123,350981,2024-01-01,x\n", type: "text/csv"),
                                  .unprocessableContent, code: "unknown-column")
      #expect(columns["file"] as? String == "request.csv", "\(columns)")
      let quote = expectProblem(try await post("/v1/compare?policies=yingjiang,sandu&as_of=2024-06-30", header + "D2,\"P2,533123\n", type: "text/csv"),
                                .unprocessableContent, code: "csv-invalid")
      #expect(quote["line"] as? Int == 3, "\(quote)")
      // The page's form, wrong in each of its keys.
      let json = "application/json"
      expectProblem(try await post("/v1/compare", #"{"cohort": 5, "policies": ["yingjiang", "sandu"]}"#, type: json), .badRequest, code: "bad-cohort")
      expectProblem(try await post("/v1/compare?policies=yingjiang,sandu", #"{"cohort": "x", "policies": ["yingjiang", "sandu"]}"#, type: json), .badRequest, code: "policies-twice")
      expectProblem(try await post("/v1/compare", #"{"cohort": "x", "policies": "yingjiang"}"#, type: json), .badRequest, code: "bad-policies")
      expectProblem(try await post("/v1/compare", #"{"cohort": "x", "policies": ["yingjiang", "sandu"], "format": "xls"}"#, type: json), .badRequest, code: "bad-format")
      expectProblem(try await post("/v1/compare", #"{"cohort": "x", "policies": ["yingjiang", "sandu"], "as_of": "soon"}"#, type: json), .badRequest, code: "bad-date")
      expectProblem(try await post("/v1/compare", #"{"cohort": "x", "policies": ["yingjiang", "sandu"], "extra": 1}"#, type: json), .badRequest, code: "unknown-key")
      // A facts document in JSON is loaded strictly, as the CLI loads a .json file.
      expectProblem(try await post("/v1/compare?policies=yingjiang,sandu", #"{"as_of": "2024-06-30",}"#, type: json), .unprocessableContent, code: "json-syntax")
      try await client.execute(uri: "/v1/compare", method: .get) { response in
        expectProblem(response, .methodNotAllowed, code: "method-not-allowed")
      }
    }
  }
}
