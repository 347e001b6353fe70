import Hummingbird

/// Query parameters of the compare, batch and ledger routes, each refused with a 400 that says why.
extension RequestInput {
  /// `?name=true|false` (absent: false).
  static func flag(_ request: Request, _ name: String) throws -> Bool {
    switch request.uri.queryParameters[Substring(name)] {
    case nil, "false": return false
    case "true": return true
    case let other?: throw Problem.badRequest("bad-parameter", "`\(name)` is `\(other.prefix(40))`; it must be `true` or `false`")
    }
  }

  /// A whole number between `range`'s bounds, or nil when absent.
  static func integer(_ request: Request, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
    guard let text = request.uri.queryParameters[Substring(name)] else { return nil }
    guard let value = Int(text), range.contains(value) else {
      throw Problem.badRequest("bad-parameter", "`\(name)` is `\(text.prefix(40))`; it must be a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
  }

  /// A short free text (a batch id, a payer): 1 to 100 characters, none of them a control character.
  static func label(_ request: Request, _ name: String) throws -> String? {
    guard let text = request.uri.queryParameters[Substring(name)] else { return nil }
    guard !text.isEmpty, text.unicodeScalars.count <= 100, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
      throw Problem.badRequest("bad-parameter", "`\(name)` must be 1 to 100 characters without control characters")
    }
    return String(text)
  }

  /// The media type of the body, lowercased without parameters; nil when none is declared.
  static func mediaType(_ request: Request) -> String? {
    request.headers[.contentType].map { $0.split(separator: ";").first.map(String.init)?.trimmingCharacters(in: .whitespaces).lowercased() ?? "" }
  }

  static func unsupported(_ media: String, _ accepted: String) -> Problem {
    Problem(.unsupportedMediaType, "unsupported-media-type", "unsupported media type",
            detail: "the body is `\(media.prefix(80))`; send \(accepted)")
  }
}

extension RequestInput {
  /// A policy or rule id: letters, digits, `_` and `-`, at most 64, so no id can name a path.
  static func isID(_ value: String) -> Bool {
    !value.isEmpty && value.count <= 64 && value.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
    }
  }
}
