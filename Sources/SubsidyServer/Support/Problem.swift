import Foundation
import Hummingbird
import PolicySupport
import PolicyValues
import SubsidyKit

/// A problem document (RFC 9457, `application/problem+json`): what every refused request gets, with
/// the code, file, line and column the CLI would print for the same input, and every diagnostic.
public struct Problem: Error, HTTPResponseError, Sendable {
  public var status: HTTPResponse.Status
  /// A short stable slug (`facts-invalid`, `body-too-large`): `type` is `urn:subsidy:problem:<slug>`.
  public var slug: String
  public var title: String
  public var detail: String
  public var diagnostics: [Diagnostic] = []
  /// Extra headers (`WWW-Authenticate` on 401).
  public var headers: HTTPFields = [:]

  public init(_ status: HTTPResponse.Status, _ slug: String, _ title: String, detail: String, diagnostics: [Diagnostic] = []) {
    self.status = status
    self.slug = slug
    self.title = title
    self.detail = detail
    self.diagnostics = diagnostics
  }

  /// The document: the first error's code, file, line and column at the top, as the CLI's first line.
  public var json: JSON {
    var pairs: [(String, JSON)] = [
      ("type", .string("urn:subsidy:problem:\(slug)")), ("title", .string(title)),
      ("status", .number(String(status.code))), ("detail", .string(detail)),
    ]
    if let first = diagnostics.first(where: { $0.severity == .error }) ?? diagnostics.first {
      pairs.append(("code", .string(first.code.rawValue)))
      if let span = first.span {
        pairs += [("file", .string(span.file)), ("line", .number(String(span.start.line))), ("column", .number(String(span.start.column)))]
      }
      if let help = first.help { pairs.append(("help", .string(help))) }
    } else {
      pairs.append(("code", .string(slug)))
    }
    if !diagnostics.isEmpty { pairs.append(("diagnostics", Self.diagnosticsJSON(diagnostics))) }
    return .object(pairs)
  }

  /// Diagnostics in the JSON of `subsidy check --format json` (the one renderer), as a value.
  static func diagnosticsJSON(_ diagnostics: [Diagnostic]) -> JSON {
    .raw(DiagnosticRenderer(format: .json).render(diagnostics).trimmingCharacters(in: .whitespacesAndNewlines))
  }

  public func response(from request: Request, context: some RequestContext) throws -> Response {
    var response = Respond.json(json, status: status, contentType: "application/problem+json")
    for field in headers { response.headers.append(field) }
    return response
  }
}

extension Problem {
  static func badRequest(_ slug: String, _ detail: String, diagnostics: [Diagnostic] = []) -> Problem {
    Problem(.badRequest, slug, "bad request", detail: detail, diagnostics: diagnostics)
  }

  static func notFound(_ slug: String, _ detail: String, help: String? = nil) -> Problem {
    var p = Problem(.notFound, slug, "not found", detail: detail)
    if let help { p.diagnostics = [.error(DiagnosticCode(slug), detail, zh: detail, at: nil, help: help, helpZh: help)] }
    return p
  }
}
