import Foundation
import Hummingbird
import Ledger
import PolicySupport
import PolicyValues
import SubsidyKit

/// `POST /v1/batch?as_of=YYYY-MM-DD`: a batch CSV (the format of `subsidy batch`) streamed in →
/// `multipart/mixed` with three parts, in this order: `payouts` (the payouts CSV of `subsidy batch`),
/// `rejects` (line, column, value, reason) and `summary` (JSON: rows, results by status, kind, funding
/// and rule, what the ledger recorded); with `explain=true` a fourth, `explanations`: one JSON line
/// per payouts row, as `subsidy batch --explain` writes it, in the asked language.
///
/// The upload is read as it arrives by the batch's own `BatchRunner` (a `CSVReader` over the request
/// body), a chunk at a time, at most `--max-batch-rows` rows. The payouts and rejects go to temporary
/// files meanwhile, and the answer starts once the whole upload is evaluated: its status then tells
/// whether the run succeeded, and a client that sends the whole body before it reads (most HTTP
/// libraries do) cannot deadlock against a server that writes while it reads. Neither side is held
/// whole in memory.
///
/// `commit=true` (bearer token, `--ledger`) records the payable results in the ledger as
/// `subsidy batch --commit` does: one transaction for the whole upload, so an upload that fails or
/// breaks off records nothing. Without it a ledger, when there is one, only marks what it already paid.
struct BatchRoute: Sendable {
  let store: PolicyStore
  let options: ServerOptions
  let ledger: LedgerAccess

  /// The upload waiting for the reader: one read block and a little more.
  static let blockSize = 1 << 20

  func handle(_ request: Request) async throws -> Response {
    guard let asOf = try RequestInput.date(request, "as_of") else {
      throw Problem.badRequest("no-as-of", "give the date to judge on as `?as_of=YYYY-MM-DD` (a batch CSV has no `as_of`)")
    }
    let commit = try RequestInput.flag(request, "commit")
    let explain = try RequestInput.flag(request, "explain")
    let batchID = try RequestInput.label(request, "batch_id")
    let payer = try RequestInput.label(request, "payer") ?? ""
    let language = try RequestInput.language(request).diagnostics
    if !commit, batchID != nil || !payer.isEmpty {
      throw Problem.badRequest("commit-only", "`batch_id` and `payer` name a committed batch: give them with `commit=true`")
    }
    switch RequestInput.mediaType(request) {
    case nil, "", "text/csv", "application/csv": break
    case let media?: throw RequestInput.unsupported(media, "`text/csv` (the batch CSV of `subsidy batch`)")
    }
    if commit {
      try ledger.authorization.require(request)
      _ = try ledger.configured()
    }
    let snapshot = store.snapshot
    var run = BatchRun(program: snapshot.program, asOf: asOf, maxRows: options.maxBatchRows, memory: options.batchMemory, ledger: ledger.location)
    run.language = language
    run.explain = explain
    if commit {
      let sources = snapshot.schemaSources + snapshot.policySources.values
      run.commit = BatchInfo(id: batchID ?? "request.csv@\(BatchInfo.newID())", source: "POST /v1/batch", engineVersion: Subsidy.version,
                             policyHash: PolicyFingerprint.of(sources), asOf: asOf.description, payer: payer)
    }
    let feed = BodyFeed(capacity: 2 * Self.blockSize)
    let declared = request.headers[.contentLength].flatMap(Int.init)
    async let uploaded: Void = BatchUpload.receive(request.body, into: feed, seconds: options.requestSeconds, declared: declared)
    let outcome = await run.start(reading: CSVReader(reading: { try feed.read($0) }, blockSize: Self.blockSize))
    // Whatever the outcome, the rest of the upload is read and dropped, so the connection stays usable.
    feed.abandon()
    await uploaded
    let done = try outcome.get()
    return Self.answer(done, committed: run.commit?.id)
  }

  /// The three parts, the files streamed a block at a time from their open handles (their folder is
  /// already removed); the handles close when the body is written or dropped unwritten.
  static func answer(_ done: BatchRun.Done, committed batchID: String?) -> Response {
    let boundary = "subsidy-batch-" + UUID().uuidString.lowercased()
    var headers: HTTPFields = [.contentType: "multipart/mixed; boundary=\(boundary)", .cacheControl: "no-store"]
    headers[.init("X-Content-Type-Options")!] = "nosniff"
    if let batchID { headers[.init("X-Batch-Id")!] = PIIMask.mask(batchID) }
    var summary = done.summary.json
    if case .object(var pairs) = summary {
      pairs.insert(("batch_id", .optional(batchID)), at: 0)
      summary = .object(pairs)
    }
    let summaryText = summary.serialized(pretty: false) + "\n"
    let files = done.files
    let body = ResponseBody { writer in
      try await writer.write(ByteBuffer(string: part(boundary, "payouts", "text/csv; charset=utf-8", first: true)))
      try await stream(files.payouts, to: &writer)
      try await writer.write(ByteBuffer(string: part(boundary, "rejects", "text/csv; charset=utf-8")))
      try await stream(files.rejects, to: &writer)
      try await writer.write(ByteBuffer(string: part(boundary, "summary", "application/json; charset=utf-8") + PIIMask.mask(summaryText)))
      if let explanations = files.explanations {
        try await writer.write(ByteBuffer(string: part(boundary, "explanations", "application/jsonl; charset=utf-8")))
        try await stream(explanations, to: &writer)
      }
      try await writer.write(ByteBuffer(string: "\r\n--\(boundary)--\r\n"))
      try await writer.finish(nil)
    }
    return Response(status: .ok, headers: headers, body: body)
  }

  /// A part's delimiter and headers (RFC 2046); the CRLF before a delimiter belongs to the delimiter.
  static func part(_ boundary: String, _ name: String, _ type: String, first: Bool = false) -> String {
    let file = name + (type.hasPrefix("text/csv") ? ".csv" : type.hasPrefix("application/jsonl") ? ".jsonl" : ".json")
    return (first ? "" : "\r\n") + "--\(boundary)\r\nContent-Type: \(type)\r\nContent-Disposition: attachment; name=\"\(name)\"; filename=\"\(file)\"\r\n\r\n"
  }

  /// A spooled file, a block at a time, each block cut at a line end so the one masker sees whole ID numbers.
  static func stream(_ handle: FileHandle, to writer: inout any ResponseBodyWriter) async throws {
    defer { try? handle.close() }  // its disk space is freed now, not when the answer is dropped
    var carry: [UInt8] = []
    while true {
      let data = try handle.read(upToCount: blockSize) ?? Data()
      var bytes = carry + data
      carry = []
      if !data.isEmpty, let last = bytes.lastIndex(of: UInt8(ascii: "\n")) {
        carry = Array(bytes[(last + 1)...])
        bytes.removeSubrange((last + 1)...)
      }
      if !bytes.isEmpty { try await writer.write(ByteBuffer(string: PIIMask.mask(String(decoding: bytes, as: UTF8.self)))) }
      if data.isEmpty { return }
    }
  }
}
