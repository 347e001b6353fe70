import Foundation
import Hummingbird
import PolicyValues
import SubsidyKit

/// Reading what a request carries: its body within the size limit, its language, its dates.
enum RequestInput {
  /// The body as UTF-8 text, at most `limit` bytes, read within `seconds`. A declared or actual
  /// larger body is refused with 413 before it is held whole; one that trickles in too slowly with
  /// 408; one that is not UTF-8 with 400. (Evaluation after it is bounded by the size limit.)
  static func text(_ request: Request, limit: Int, seconds: Double) async throws -> String {
    if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
      throw tooLarge(limit)
    }
    let body = request.body
    let buffer: ByteBuffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
      group.addTask {
        do {
          return try await body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
          throw tooLarge(limit)
        }
      }
      group.addTask {
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        return nil
      }
      defer { group.cancelAll() }
      guard let first = try await group.next(), let buffer = first else {
        throw Problem(.requestTimeout, "time-limit", "request body too slow",
                      detail: "the request body was not received within \(seconds) seconds")
      }
      return buffer
    }
    let view = buffer.readableBytesView
    let bytes = view.starts(with: [0xEF, 0xBB, 0xBF]) ? view.dropFirst(3) : view[...]
    guard let text = utf8Text(bytes) else {
      throw Problem.badRequest("not-text", "the request body is not UTF-8 text")
    }
    return text
  }

  /// The bytes as a String when they are UTF-8, else nil: validated by the standard library where it
  /// can (no copy into an Array, no Foundation decoder), by Foundation on older macOS.
  static func utf8Text(_ bytes: some Collection<UInt8>) -> String? {
    if #available(macOS 15, *) { return String(validating: bytes, as: UTF8.self) }
    return String(bytes: Array(bytes), encoding: .utf8)
  }

  static func tooLarge(_ limit: Int) -> Problem {
    Problem(.contentTooLarge, "body-too-large", "request body too large",
            detail: "the request body is larger than the limit of \(limit) bytes (`--max-body`)")
  }

  /// `?lang=zh|en`, else whichever of `zh` and `en` `Accept-Language` prefers (by its `q` weights,
  /// the first listed on a tie), else Chinese.
  static func language(_ request: Request) throws -> TextReport.Language {
    if let asked = request.uri.queryParameters["lang"] {
      guard let language = TextReport.Language(rawValue: String(asked)) else {
        throw Problem.badRequest("bad-language", "`lang` is `\(asked)`; it must be `zh` or `en`")
      }
      return language
    }
    var best: (language: TextReport.Language, weight: Double)?
    for part in (request.headers[.acceptLanguage] ?? "").split(separator: ",") {
      let fields = part.split(separator: ";")
      let tag = fields[0].trimmingCharacters(in: .whitespaces).lowercased()
      let language: TextReport.Language
      if tag == "zh" || tag.hasPrefix("zh-") { language = .zh } else if tag == "en" || tag.hasPrefix("en-") { language = .en } else { continue }
      let q = fields.dropFirst().lazy.map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("q=") }
      let weight = q.flatMap { Double($0.dropFirst(2)) }.map { min(max($0, 0), 1) } ?? 1
      if weight > 0, weight > (best?.weight ?? 0) { best = (language, weight) }
    }
    return best?.language ?? .zh
  }

  /// A date query parameter (`as_of`, `on`), or nil when absent; a bad date is a 400 saying why.
  static func date(_ request: Request, _ name: String) throws -> CivilDate? {
    guard let text = request.uri.queryParameters[Substring(name)] else { return nil }
    let parsed = Subsidy.parseDate(String(text))
    guard let date = parsed.date else { throw Problem.badRequest("bad-date", "`\(name)`: \(parsed.problem)") }
    return date
  }

  /// A policy or rule id from the path: letters, digits, `_` and `-` only, so no id can name a path.
  static func id(_ context: some RequestContext, _ name: String) throws -> String {
    let value = context.parameters.get(name) ?? ""
    let valid = !value.isEmpty && value.count <= 64 && value.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
    }
    guard valid else {
      throw Problem.badRequest("bad-id", "`\(value.prefix(80))` is not a valid \(name) id (letters, digits, `_` and `-`, at most 64)")
    }
    return value
  }
}
