import Foundation
import Hummingbird
import HummingbirdTesting
import SubsidyServer
import Testing

/// `GET /v1/ledger/payments`, `/summary`, `/batches` and `POST /v1/ledger/payments/{id}/void`: the
/// CLI's JSON and filters, ID numbers masked, the token required, on SQLite and PostgreSQL; and a
/// server without `--ledger`, which answers `no-ledger`, never a 500.
@Suite struct LedgerRouteTests {
  /// Two people, one of them known by an ID number, each paid by yingjiang and xiangxi.
  static let number = "533123199001011236"
  static let batch = """
    dispatch_id,person_id,person_id_number,person_hukou,person_poverty_status,organizer_id,organizer_kind,organizer_location,organizer_licensed,destination,organized,start,contract,transport_cost,evidence
    D1,\(number),\(number),533123,alleviated,O1,hr_service_agency,533123,true,350981,true,2023-09-15,true,300.00,organized_export_roster;income_proof
    D2,P2,,533123,alleviated,O1,hr_service_agency,533123,true,350981,true,2023-10-01,true,200.00,organized_export_roster;income_proof

    """

  /// Commits `batch` through the server and returns the number of payments it recorded.
  static func commit(_ client: some TestClientProtocol, id: String) async throws -> Int {
    try await client.execute(uri: "/v1/batch?as_of=2024-06-30&commit=true&batch_id=\(id)", method: .post, headers: csvHeaders(token: testToken),
                             body: ByteBuffer(string: batch)) { response in
      #expect(response.status == .ok, "\(response.text.prefix(400))")
      return Multipart(response.text, contentType: response.headers[.contentType])["summary"]?.json["committed"] as? Int ?? -1
    }
  }

  @Test(arguments: TestLedgers.kinds)
  func readsFilterMaskAndVoid(_ kind: String) async throws {
    let ledger = try TestLedgers.prepared(kind)
    defer { ledger.remove() }
    let app = try makeAPIApp(ledger: ledger.location)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/ledger/payments", method: .get, headers: bearer()) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        #expect(response.object["count"] as? Int == 0)
      }
      let committed = try await Self.commit(client, id: "b1")
      #expect(committed >= 2)
      var payments: [[String: Any]] = []
      try await client.execute(uri: "/v1/ledger/payments", method: .get, headers: bearer()) { response in
        #expect(response.object["count"] as? Int == committed)
        payments = response.object["payments"] as? [[String: Any]] ?? []
        #expect(!response.text.contains("19900101"), "ID numbers are masked: \(response.text.prefix(400))")
        #expect(response.text.contains("533123********1236"))
        #expect(payments.allSatisfy { $0["amount_fen"] is Int && $0["amount_yuan"] is String && $0["batch_id"] as? String == "b1" })
      }
      // The CLI's filters.
      try await client.execute(uri: "/v1/ledger/payments?policy=yingjiang", method: .get, headers: bearer()) { response in
        let listed = response.object["payments"] as? [[String: Any]] ?? []
        #expect(!listed.isEmpty && listed.allSatisfy { $0["policy"] as? String == "yingjiang" })
      }
      try await client.execute(uri: "/v1/ledger/payments?policy=sandu", method: .get, headers: bearer()) { response in
        #expect(response.object["count"] as? Int == 0)
      }
      try await client.execute(uri: "/v1/ledger/payments?beneficiary=P2&batch=b1", method: .get, headers: bearer()) { response in
        let listed = response.object["payments"] as? [[String: Any]] ?? []
        #expect(!listed.isEmpty && listed.allSatisfy { $0["beneficiary"] as? String == "P2" })
      }
      try await client.execute(uri: "/v1/ledger/payments?batch=none", method: .get, headers: bearer()) { response in
        #expect(response.object["count"] as? Int == 0)
      }
      try await client.execute(uri: "/v1/ledger/payments?format=csv", method: .get, headers: bearer()) { response in
        #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
        #expect(response.text.split(separator: "\n").count == committed + 1)
        #expect(!response.text.contains("19900101"))
      }
      var total = 0
      try await client.execute(uri: "/v1/ledger/summary", method: .get, headers: bearer()) { response in
        let body = response.object
        #expect(body["count"] as? Int == committed)
        let rows = body["rows"] as? [[String: Any]] ?? []
        total = body["total_fen"] as? Int ?? -1
        #expect(rows.reduce(0) { $0 + ($1["total_fen"] as? Int ?? 0) } == total)
        #expect(total == payments.reduce(0) { $0 + ($1["amount_fen"] as? Int ?? 0) })
      }
      // Void one payment with a reason: it leaves the list and the totals, and shows with include_voided.
      let victim = try #require(payments.first?["id"] as? Int)
      let fen = payments.first?["amount_fen"] as? Int ?? 0
      try await client.execute(uri: "/v1/ledger/payments/\(victim)/void", method: .post, headers: bearer(testToken, [.contentType: "application/json"]),
                               body: ByteBuffer(string: #"{"reason": "重复申报"}"#)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        #expect(response.object["status"] as? String == "voided")
      }
      try await client.execute(uri: "/v1/ledger/summary", method: .get, headers: bearer()) { response in
        #expect(response.object["total_fen"] as? Int == total - fen)
      }
      try await client.execute(uri: "/v1/ledger/payments?include_voided=true", method: .get, headers: bearer()) { response in
        let voided = (response.object["payments"] as? [[String: Any]] ?? []).first { $0["id"] as? Int == victim }
        #expect(voided?["void_reason"] as? String == "重复申报")
      }
      try await client.execute(uri: "/v1/ledger/payments/\(victim)/void", method: .post, headers: bearer(), body: ByteBuffer(string: #"{"reason": "again"}"#)) { response in
        expectProblem(response, .conflict, code: "already-voided")
      }
      try await client.execute(uri: "/v1/ledger/payments/999999/void", method: .post, headers: bearer(), body: ByteBuffer(string: #"{"reason": "x"}"#)) { response in
        expectProblem(response, .notFound, code: "no-such-payment")
      }
      try await client.execute(uri: "/v1/ledger/batches", method: .get, headers: bearer()) { response in
        let batches = response.object["batches"] as? [[String: Any]] ?? []
        #expect(batches.first?["voided"] as? Int == 1)
      }
    }
  }

  @Test func refusals() async throws {
    let ledger = try TestLedgers.prepared("sqlite")
    defer { ledger.remove() }
    let app = try makeAPIApp(ledger: ledger.location)
    try await app.test(.router) { client in
      for uri in ["/v1/ledger/payments", "/v1/ledger/summary", "/v1/ledger/batches"] {
        try await client.execute(uri: uri, method: .get) { response in
          expectProblem(response, .unauthorized, code: "unauthorized")
          #expect(response.headers[.wwwAuthenticate] == "Bearer")
        }
      }
      func get(_ uri: String) async throws -> TestResponse { try await client.execute(uri: uri, method: .get, headers: bearer()) { $0 } }
      expectProblem(try await get("/v1/ledger/payments?polcy=yingjiang"), .badRequest, code: "unknown-parameter")
      expectProblem(try await get("/v1/ledger/payments?include_voided=maybe"), .badRequest, code: "bad-parameter")
      expectProblem(try await get("/v1/ledger/payments?policy="), .badRequest, code: "bad-parameter")
      expectProblem(try await get("/v1/ledger/summary?format=xml"), .badRequest, code: "bad-format")
      expectProblem(try await get("/v1/ledger/batches?policy=x"), .badRequest, code: "unknown-parameter")
      func void(_ uri: String, _ body: String, headers: HTTPFields = bearer()) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { $0 }
      }
      expectProblem(try await void("/v1/ledger/payments/1/void", #"{"reason": "x"}"#, headers: [:]), .unauthorized, code: "unauthorized")
      expectProblem(try await void("/v1/ledger/payments/abc/void", #"{"reason": "x"}"#), .badRequest, code: "bad-id")
      expectProblem(try await void("/v1/ledger/payments/0/void", #"{"reason": "x"}"#), .badRequest, code: "bad-id")
      expectProblem(try await void("/v1/ledger/payments/1/void", "reason"), .badRequest, code: "json-syntax")
      expectProblem(try await void("/v1/ledger/payments/1/void", #"{"reason": ""}"#), .badRequest, code: "no-reason")
      expectProblem(try await void("/v1/ledger/payments/1/void", #"{"reason": "a\u009bb"}"#), .badRequest, code: "bad-reason")
      expectProblem(try await void("/v1/ledger/payments/1/void", "{\"reason\": \"\(String(repeating: "x", count: 501))\"}"), .badRequest, code: "bad-reason")
      expectProblem(try await void("/v1/ledger/payments/1/void", "{}"), .badRequest, code: "no-reason")
      expectProblem(try await void("/v1/ledger/payments/1/void", #"{"reason": "x"}"#), .notFound, code: "no-such-payment")
      try await client.execute(uri: "/v1/ledger/payments/1/void", method: .get) { response in
        expectProblem(response, .methodNotAllowed, code: "method-not-allowed")
      }
    }
    // A server without a token never shows the ledger, and says why.
    let closed = try makeAPIApp(ledger: ledger.location, token: nil)
    try await closed.test(.router) { client in
      try await client.execute(uri: "/v1/ledger/payments", method: .get, headers: bearer()) { response in
        expectProblem(response, .forbidden, code: "no-token")
      }
      try await client.execute(uri: "/v1/ledger/payments/1/void", method: .post, headers: bearer(), body: ByteBuffer(string: #"{"reason": "x"}"#)) { response in
        expectProblem(response, .forbidden, code: "writes-disabled")
      }
    }
  }

  /// `subsidy serve --ledger` creates the ledger at start; one it cannot open stops it with the reason.
  @Test func serveRefusesALedgerItCannotOpen() async throws {
    let folder = ServerPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = folder.appendingPathComponent("no-such-folder/ledger.sqlite").path
    let refused = try await runSubsidy(["serve", "--policies", ServerPaths.policies, "--port", "0", "--ledger", missing, "--lang", "en"], in: folder)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("error: cannot create the ledger `\(missing)`: the ledger file cannot be opened"), "\(refused.stderr)")
    let chinese = try await runSubsidy(["serve", "--policies", ServerPaths.policies, "--port", "0", "--ledger", missing], in: folder)
    #expect(chinese.stderr.contains("错误：无法创建台账 `\(missing)`：无法打开台账文件（所在文件夹不存在或不可读）"), "\(chinese.stderr)")
  }

  /// Without `--ledger` every ledger route says so: 404 `no-ledger`, never a 500.
  @Test func aServerWithoutALedgerSaysSo() async throws {
    let app = try makeAPIApp(ledger: nil)
    try await app.test(.router) { client in
      for uri in ["/v1/ledger/payments", "/v1/ledger/summary", "/v1/ledger/batches"] {
        try await client.execute(uri: uri, method: .get, headers: bearer()) { response in
          let problem = expectProblem(response, .notFound, code: "no-ledger")
          #expect((problem["detail"] as? String)?.contains("--ledger") == true)
        }
      }
      try await client.execute(uri: "/v1/ledger/payments/1/void", method: .post, headers: bearer(), body: ByteBuffer(string: #"{"reason": "x"}"#)) { response in
        expectProblem(response, .notFound, code: "no-ledger")
      }
    }
  }
}
