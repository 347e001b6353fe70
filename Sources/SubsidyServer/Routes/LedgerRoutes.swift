import Foundation
import Hummingbird
import Ledger
import SubsidyKit

/// `GET /v1/ledger/payments`, `/v1/ledger/summary` and `/v1/ledger/batches`: what `subsidy ledger list`,
/// `summary` and `batches --format json` print (or `--format csv` with `?format=csv`), with the same
/// filters (`policy`, `rule`, `batch`, `beneficiary`, `include_voided`), ID numbers masked; and the
/// authorised `POST /v1/ledger/payments/{id}/void` with a reason, through the ledger's own void.
/// All of them need the bearer token: the ledger holds personal data.
struct LedgerRoutes: Sendable {
  let ledger: LedgerAccess
  let options: ServerOptions

  func payments(_ request: Request) async throws -> Response {
    let filter = try Self.filter(request)
    let csv = try Self.wantsCSV(request)
    let payments = try await ledger.read(request) { try $0.payments(filter: filter) }
    if csv { return Respond.text(PaymentCSV.render(payments, showPII: false), contentType: "text/csv; charset=utf-8") }
    let text = try PaymentJSON.payments(payments, showPII: false)
    return Respond.json(.object([("count", .number(String(payments.count))), ("payments", .raw(text.trimmingCharacters(in: .whitespacesAndNewlines)))]))
  }

  func summary(_ request: Request) async throws -> Response {
    let filter = try Self.filter(request)
    let csv = try Self.wantsCSV(request)
    let rows = try await ledger.read(request) { try $0.summary(filter: filter) }
    if csv { return Respond.text(PaymentCSV.summary(rows), contentType: "text/csv; charset=utf-8") }
    let text = try PaymentJSON.summary(rows)
    let total = rows.reduce(Int64(0)) { $0 &+ $1.totalFen }
    return Respond.json(.object([
      ("count", .number(String(rows.reduce(0) { $0 + $1.count }))), ("total_fen", .number(String(total))),
      ("total_yuan", .string(Yuan.format(fen: total))), ("rows", .raw(text.trimmingCharacters(in: .whitespacesAndNewlines))),
    ]))
  }

  func batches(_ request: Request) async throws -> Response {
    try Self.noFilters(request)
    let batches = try await ledger.read(request) { try $0.batches() }
    let text = try PaymentJSON.batches(batches)
    return Respond.json(.object([("count", .number(String(batches.count))), ("batches", .raw(text.trimmingCharacters(in: .whitespacesAndNewlines)))]))
  }

  /// Voids a payment: `{"reason": "…"}`. The row stays, with its reason; its key may be paid again.
  func void(_ request: Request, context: some RequestContext) async throws -> Response {
    try ledger.authorization.require(request)
    _ = try ledger.configured()
    let id = try Self.paymentID(context)
    let text = try await RequestInput.text(request, limit: min(options.maxBody, 64 * 1024), seconds: options.requestSeconds)
    let reason = try Self.reason(text)
    try await ledger.write(request) { try $0.void(paymentID: id, reason: reason) }
    return Respond.json(.object([("id", .number(String(id))), ("status", .string("voided")), ("reason", .string(reason))]))
  }

  /// The CLI's `--policy`, `--rule`, `--batch`, `--beneficiary` and `--include-voided`, as query parameters.
  static func filter(_ request: Request) throws -> PaymentFilter {
    let query = request.uri.queryParameters
    let known: Set<String> = ["policy", "rule", "batch", "beneficiary", "include_voided", "format"]
    if let unknown = query.first(where: { !known.contains(String($0.key)) }) {
      throw Problem.badRequest("unknown-parameter", "unknown query parameter `\(unknown.key.prefix(40))`; the filters are \(known.sorted().map { "`\($0)`" }.joined(separator: ", "))")
    }
    func value(_ name: String) throws -> String? {
      guard let text = query[Substring(name)] else { return nil }
      guard !text.isEmpty, text.unicodeScalars.count <= 200, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
        throw Problem.badRequest("bad-parameter", "`\(name)` must be 1 to 200 characters without control characters")
      }
      return String(text)
    }
    return PaymentFilter(policy: try value("policy"), rule: try value("rule"), batch: try value("batch"),
                         beneficiary: try value("beneficiary"), includeVoided: try RequestInput.flag(request, "include_voided"))
  }

  static func noFilters(_ request: Request) throws {
    if let unknown = request.uri.queryParameters.first {
      throw Problem.badRequest("unknown-parameter", "unknown query parameter `\(unknown.key.prefix(40))`; batches take no filters")
    }
  }

  /// `?format=json` (the default) or `?format=csv` (the CLI's CSV, for a finance system's import).
  static func wantsCSV(_ request: Request) throws -> Bool {
    switch request.uri.queryParameters["format"] {
    case nil, "json": return false
    case "csv": return true
    case let other?: throw Problem.badRequest("bad-format", "`format` is `\(other.prefix(40))`; it must be `json` or `csv`")
    }
  }

  static func paymentID(_ context: some RequestContext) throws -> Int64 {
    let text = context.parameters.get("id") ?? ""
    guard text.count <= 18, text.allSatisfy(\.isASCII), let id = Int64(text), id > 0 else {
      throw Problem.badRequest("bad-id", "`\(text.prefix(40))` is not a payment id (a positive whole number, as `subsidy ledger list` shows)")
    }
    return id
  }

  /// The reason of a void: `{"reason": "…"}`, 1 to 500 characters, none of them a control character.
  /// As `subsidy ledger void --reason`, it is kept as given.
  static func reason(_ text: String) throws -> String {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
      throw Problem.badRequest("json-syntax", "the body must be a JSON object: {\"reason\": \"…\"}")
    }
    guard let reason = object["reason"] as? String, !reason.isEmpty else {
      throw Problem.badRequest("no-reason", "a void needs a reason: send {\"reason\": \"…\"}")
    }
    guard reason.unicodeScalars.count <= 500, !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
      throw Problem.badRequest("bad-reason", "the reason must be at most 500 characters, none of them a control character")
    }
    return reason
  }
}
