import Foundation
import Hummingbird
import HummingbirdTesting
import SubsidyServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `POST /v1/batch`: the payouts and rejects of `subsidy batch` for the same file, the summary, the
/// ledger commit (all or nothing, authorised, on SQLite and PostgreSQL), and each refusal.
@Suite struct BatchRouteTests {
  static let village = ServerPaths.examples.appendingPathComponent("cohorts/village-2024.csv")

  /// The village cohort with one row that cannot be decoded (a bad date), so rejects are not empty.
  static func villageWithAReject() throws -> String {
    var text = try String(contentsOf: village, encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let bad = lines[1].replacingOccurrences(of: "D01,", with: "D99,").replacingOccurrences(of: "2023-09-15", with: "2023-02-30")
    text += (text.hasSuffix("\n") ? "" : "\n") + bad + "\n"
    return text
  }

  @Test func payoutsAndRejectsAreTheCLIsAndTheSummaryCounts() async throws {
    let text = try Self.villageWithAReject()
    let folder = ServerPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try text.write(to: folder.appendingPathComponent("request.csv"), atomically: true, encoding: .utf8)
    let cli = try await runSubsidy(["batch", "request.csv", "--as-of", "2024-06-30", "--policies", ServerPaths.policies,
                              "--out", "payouts.csv", "--rejects", "rejects.csv", "--lang", "en"], in: folder)
    #expect(cli.status == 0, "\(cli.stderr)")
    let payouts = try String(contentsOf: folder.appendingPathComponent("payouts.csv"), encoding: .utf8)
    let rejects = try String(contentsOf: folder.appendingPathComponent("rejects.csv"), encoding: .utf8)
    #expect(payouts.split(separator: "\n").count > 3)
    #expect(rejects.split(separator: "\n").count == 2, "\(rejects)")

    let app = try makeAPIApp(ledger: nil)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/batch?as_of=2024-06-30&lang=en", method: .post, headers: csvHeaders(), body: ByteBuffer(string: text)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(400))")
        let parts = Multipart(response.text, contentType: response.headers[.contentType])
        #expect(parts.names == ["payouts", "rejects", "summary"])
        #expect(parts["payouts"]?.headers["content-type"] == "text/csv; charset=utf-8")
        #expect(parts["payouts"]?.text == payouts, "the payouts differ from `subsidy batch --out`")
        #expect(parts["rejects"]?.text == rejects, "the rejects differ from `subsidy batch --rejects`")
        let summary = parts["summary"]?.json ?? [:]
        #expect(summary["rows_read"] as? Int == text.split(separator: "\n").count - 1)
        #expect(summary["rows_rejected"] as? Int == 1)
        #expect(summary["balances"] as? Bool == true)
        #expect(summary["committed"] as? Int == 0)
        #expect(summary["batch_id"] is NSNull)
        // The payable count and sum are those of the payouts file.
        let payable = (summary["by_status"] as? [[String: Any]] ?? []).first { $0["status"] as? String == "payable" }
        let rows = payouts.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(payable?["count"] as? Int == rows.filter { $0.count > 7 && $0[7] == "payable" }.count)
        #expect((summary["by_rule"] as? [Any])?.isEmpty == false)
        #expect(cli.stdout.contains("rows read \(summary["rows_read"] as? Int ?? -1) = evaluated \(summary["rows_evaluated"] as? Int ?? -1) + rejected 1"), "\(cli.stdout)")
      }
      // `?lang=zh`: the reasons in Chinese, as `subsidy batch` gives them by default; the lines,
      // columns and values are the same in either language.
      try await client.execute(uri: "/v1/batch?as_of=2024-06-30&lang=zh", method: .post, headers: csvHeaders(), body: ByteBuffer(string: text)) { response in
        let chinese = Multipart(response.text, contentType: response.headers[.contentType])["rejects"]?.text ?? ""
        let cells = { (csv: String) in csv.split(separator: "\n").map { $0.split(separator: ",", maxSplits: 3).prefix(3).joined(separator: ",") } }
        #expect(chinese != rejects && cells(chinese) == cells(rejects), "en:\n\(rejects)\nzh:\n\(chinese)")
        #expect(chinese.contains("须为"), "\(chinese)")
        // Without `lang` (and no Accept-Language) the server words them in Chinese too.
        try await client.execute(uri: "/v1/batch?as_of=2024-06-30", method: .post, headers: csvHeaders(), body: ByteBuffer(string: text)) { plain in
          #expect(Multipart(plain.text, contentType: plain.headers[.contentType])["rejects"]?.text == chinese)
        }
      }
    }
  }

  /// `explain=true`: a fourth part, `subsidy batch --explain`'s file for the same upload, in the asked language.
  @Test func explainAddsTheCLIsExplanations() async throws {
    let text = try Self.villageWithAReject()
    let folder = ServerPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try text.write(to: folder.appendingPathComponent("request.csv"), atomically: true, encoding: .utf8)
    let cli = try await runSubsidy(["batch", "request.csv", "--as-of", "2024-06-30", "--policies", ServerPaths.policies,
                                    "--out", "payouts.csv", "--explain", "explanations.jsonl"], in: folder)
    #expect(cli.status == 0, "\(cli.stderr)")
    let explanations = try String(contentsOf: folder.appendingPathComponent("explanations.jsonl"), encoding: .utf8)
    let payouts = try String(contentsOf: folder.appendingPathComponent("payouts.csv"), encoding: .utf8)
    #expect(explanations.split(separator: "\n").count == payouts.split(separator: "\n").count - 1)
    #expect(explanations.contains("\"text\":\"须："), "\(explanations.prefix(600))")

    let app = try makeAPIApp(ledger: nil)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/batch?as_of=2024-06-30&explain=true", method: .post, headers: csvHeaders(), body: ByteBuffer(string: text)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(400))")
        let parts = Multipart(response.text, contentType: response.headers[.contentType])
        #expect(parts.names == ["payouts", "rejects", "summary", "explanations"])
        #expect(parts["explanations"]?.headers["content-type"] == "application/jsonl; charset=utf-8")
        #expect(parts["explanations"]?.text == explanations, "the explanations differ from `subsidy batch --explain`")
      }
      try await client.execute(uri: "/v1/batch?as_of=2024-06-30&explain=true&lang=en", method: .post, headers: csvHeaders(), body: ByteBuffer(string: text)) { response in
        let english = Multipart(response.text, contentType: response.headers[.contentType])["explanations"]?.text ?? ""
        #expect(english.contains("\"text\":\"needs: ") && !english.contains("\"text\":\"须："), "\(english.prefix(600))")
      }
    }
  }

  /// An upload several read blocks long streams through the reader (the body is never collected whole).
  @Test func aLargeUploadStreamsThroughInBlocks() async throws {
    let lines = try String(contentsOf: Self.village, encoding: .utf8).split(separator: "\n")
    let header = lines[0]
    var body = String(header) + "\n"
    var count = 0
    while body.utf8.count < 3 << 20 {
      for line in lines.dropFirst() {
        count += 1
        body += line.replacingOccurrences(of: "D", with: "X\(count)-", options: .anchored).replacingOccurrences(of: ",P", with: ",Q\(count)-") + "\n"
      }
    }
    let app = try makeAPIApp(ledger: nil)
    let (upload, rows) = (body, count)
    try await app.test(.router) { client in
      try await client.execute(uri: "/v1/batch?as_of=2024-06-30", method: .post, headers: csvHeaders(), body: ByteBuffer(string: upload)) { response in
        #expect(response.status == .ok, "\(response.text.prefix(400))")
        let summary = Multipart(response.text, contentType: response.headers[.contentType])["summary"]?.json ?? [:]
        #expect(summary["rows_read"] as? Int == rows)
        #expect(summary["rows_rejected"] as? Int == 0, "\(summary)")
      }
    }
  }

  @Test func refusals() async throws {
    let text = try String(contentsOf: Self.village, encoding: .utf8)
    let app = try makeAPIApp(ledger: nil, maxBatchRows: 5)
    try await app.test(.router) { client in
      func post(_ uri: String, _ body: String, headers: HTTPFields = csvHeaders()) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { $0 }
      }
      expectProblem(try await post("/v1/batch", text), .badRequest, code: "no-as-of")
      expectProblem(try await post("/v1/batch?as_of=2024-02-30", text), .badRequest, code: "bad-date")
      expectProblem(try await post("/v1/batch?as_of=2024-06-30&commit=yes", text), .badRequest, code: "bad-parameter")
      expectProblem(try await post("/v1/batch?as_of=2024-06-30&batch_id=b1", text), .badRequest, code: "commit-only")
      expectProblem(try await post("/v1/batch?as_of=2024-06-30", text, headers: [.contentType: "application/json"]), .unsupportedMediaType, code: "unsupported-media-type")
      let rows = expectProblem(try await post("/v1/batch?as_of=2024-06-30", text), .contentTooLarge, code: "too-many-rows")
      #expect((rows["detail"] as? String)?.contains("5 rows") == true)
      expectProblem(try await post("/v1/batch?as_of=2024-06-30", ""), .unprocessableContent, code: "empty-file")
      let header = "dispatch_id,person_id,person_hukou,destination,start,person_nmae\n"
      let column = expectProblem(try await post("/v1/batch?as_of=2024-06-30", header + "D1,P1,533123,350981,2024-01-01,x\n"), .unprocessableContent, code: "unknown-column")
      #expect(column["file"] as? String == "request.csv" && column["line"] as? Int == 1, "\(column)")
      let quote = expectProblem(try await post("/v1/batch?as_of=2024-06-30", "dispatch_id,person_id,person_hukou,destination,start\nD1,P1,533123,350981,2024-01-01\nD2,\"P2,533123\n"),
                                .unprocessableContent, code: "csv-invalid")
      #expect(quote["line"] as? Int == 3 && quote["column"] as? Int == 4, "\(quote)")
      // A workbook chosen instead of its CSV is named for what it is, not read as GBK text.
      let workbook = try await client.execute(uri: "/v1/batch?as_of=2024-06-30", method: .post, headers: csvHeaders(),
                                              body: ByteBuffer(bytes: [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xB5, 0xC4])) { $0 }
      let named = expectProblem(workbook, .unprocessableContent, code: "csv-invalid")
      #expect((named["detail"] as? String)?.contains("an Excel workbook (.xlsx)") == true, "\(named)")
      // Committing needs the token, and then a ledger.
      expectProblem(try await post("/v1/batch?as_of=2024-06-30&commit=true", text), .unauthorized, code: "unauthorized")
      expectProblem(try await post("/v1/batch?as_of=2024-06-30&commit=true", text, headers: csvHeaders(token: "wrong-token-0123456789")), .unauthorized, code: "unauthorized")
      expectProblem(try await post("/v1/batch?as_of=2024-06-30&commit=true", text, headers: csvHeaders(token: testToken)), .notFound, code: "no-ledger")
    }
    let readOnly = try makeAPIApp(ledger: nil, token: nil)
    try await readOnly.test(.router) { client in
      try await client.execute(uri: "/v1/batch?as_of=2024-06-30&commit=true", method: .post, headers: csvHeaders(token: testToken), body: ByteBuffer(string: text)) { response in
        expectProblem(response, .forbidden, code: "writes-disabled")
      }
    }
  }

  @Test(arguments: TestLedgers.kinds)
  func commitRecordsOnceAndAllOrNothing(_ kind: String) async throws {
    let ledger = try TestLedgers.prepared(kind)
    defer { ledger.remove() }
    let text = try String(contentsOf: Self.village, encoding: .utf8)
    let app = try makeAPIApp(ledger: ledger.location, maxBatchRows: 50)
    try await app.test(.router) { client in
      func post(_ uri: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: csvHeaders(token: testToken), body: ByteBuffer(string: body)) { $0 }
      }
      func paymentCount() async throws -> Int {
        try await client.execute(uri: "/v1/ledger/payments", method: .get, headers: bearer()) { $0.object["count"] as? Int ?? -1 }
      }
      // A batch that fails part-way records nothing: a broken quote after good rows, too many rows.
      let broken = text + "D98,\"P98,533123\n"
      expectProblem(try await post("/v1/batch?as_of=2024-06-30&commit=true", broken), .unprocessableContent, code: "csv-invalid")
      #expect(try await paymentCount() == 0)
      let many = text + String(repeating: text.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n", count: 5)
      expectProblem(try await post("/v1/batch?as_of=2024-06-30&commit=true", many), .contentTooLarge, code: "too-many-rows")
      #expect(try await paymentCount() == 0)

      let first = try await post("/v1/batch?as_of=2024-06-30&commit=true&batch_id=village-1&payer=533123", text)
      #expect(first.status == .ok, "\(first.text.prefix(400))")
      #expect(first.headers[.init("X-Batch-Id")!] == "village-1")
      let summary = Multipart(first.text, contentType: first.headers[.contentType])["summary"]?.json ?? [:]
      let committed = summary["committed"] as? Int ?? 0
      #expect(committed > 0, "\(summary)")
      #expect(summary["batch_id"] as? String == "village-1")
      #expect(try await paymentCount() == committed)
      try await client.execute(uri: "/v1/ledger/batches", method: .get, headers: bearer()) { response in
        let batches = response.object["batches"] as? [[String: Any]] ?? []
        #expect(batches.map { $0["id"] as? String } == ["village-1"])
        #expect(batches.first?["payer"] as? String == "533123" && batches.first?["source"] as? String == "POST /v1/batch")
        #expect(batches.first?["payments"] as? Int == committed)
      }
      // The same file again pays nothing twice; the same batch id is refused.
      let again = try await post("/v1/batch?as_of=2024-06-30&commit=true", text)
      let second = Multipart(again.text, contentType: again.headers[.contentType])["summary"]?.json ?? [:]
      #expect(second["committed"] as? Int == 0 && second["already_paid"] as? Int == committed, "\(second)")
      expectProblem(try await post("/v1/batch?as_of=2024-06-30&commit=true&batch_id=village-1", text), .conflict, code: "duplicate-batch")
      // A dry run reads the ledger: what it paid shows as already paid.
      let dry = try await client.execute(uri: "/v1/batch?as_of=2024-06-30", method: .post, headers: csvHeaders(), body: ByteBuffer(string: text)) { $0 }
      let payouts = Multipart(dry.text, contentType: dry.headers[.contentType])["payouts"]?.text ?? ""
      #expect(payouts.contains(",already_paid,"), "\(payouts.prefix(400))")
      #expect(try await paymentCount() == committed)
    }
  }

  /// An upload that stops arriving is refused within the time limit and records nothing.
  ///
  /// Each step waits for an event, never a guessed time: an answer, which the route sends only once
  /// its run has ended (committed or rolled back), and the requests in flight back to none. The server
  /// runs on the test process's two task threads, shared with every test running beside it; it once
  /// slept 500 ms for the cut upload's run to end, and bounded the time to the 408.
  @Test func aStalledUploadTimesOutAndCommitsNothing() async throws {
    let ledger = try TestLedgers.prepared("sqlite")
    defer { ledger.remove() }
    let metrics = ServerMetrics()
    let app = try makeAPIApp(ledger: ledger.location, requestSeconds: 0.5, metrics: metrics)
    try await onOwnThreads { try await app.test(.live) { client in
      let port = try #require(client.port)
      let text = try String(contentsOf: Self.village, encoding: .utf8)
      let request = "POST /v1/batch?as_of=2024-06-30&commit=true HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
        + "Authorization: Bearer \(testToken)\r\nContent-Length: \(text.utf8.count + 1000)\r\n\r\n" + text
      let answer = try await offThePool { try Loopback.exchange(port: port, request) }
      #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(300))")
      #expect(answer.contains("\"code\":\"time-limit\""))
      // An upload whose connection closes before the declared length is cut off, not a shorter file.
      // (A 408 is right too, if the client paused past the limit before it closed.)
      let cut = try await offThePool { try Loopback.exchange(port: port, request, halfClose: true) }
      #expect((cut.hasPrefix("HTTP/1.1 400") && cut.contains("\"code\":\"body-incomplete\"")) || cut.hasPrefix("HTTP/1.1 408"), "\(cut.prefix(300))")
      #expect(try await inFlight(metrics, reaches: 0), "still in flight: \(inFlight(metrics) ?? -1)")
      try await client.execute(uri: "/v1/ledger/payments", method: .get, headers: bearer()) { response in
        #expect(response.object["count"] as? Int == 0)
      }
      // The same upload whole is recorded: the two above failed for being cut off, not for their rows.
      let whole = request.replacingOccurrences(of: "Content-Length: \(text.utf8.count + 1000)", with: "Content-Length: \(text.utf8.count)")
      let closing = whole.replacingOccurrences(of: "text/csv\r\n", with: "text/csv\r\nConnection: close\r\n")
      let answer2 = try await offThePool { try Loopback.exchange(port: port, closing, halfClose: true) }
      #expect(answer2.hasPrefix("HTTP/1.1 200"), "\(answer2.prefix(300))")
      try await client.execute(uri: "/v1/ledger/payments", method: .get, headers: bearer()) { response in
        #expect((response.object["count"] as? Int ?? 0) > 0)
      }
      #expect(try await inFlight(metrics, reaches: 0), "still in flight: \(inFlight(metrics) ?? -1)")
    } }
  }
}
