import Hummingbird

/// Writes need the bearer token read from `--token-file`. Without one configured every write is refused.
struct Authorization: Sendable {
  let token: String?

  func require(_ request: Request) throws {
    guard let token else {
      throw Problem(.forbidden, "writes-disabled", "forbidden",
                    detail: "this server was started without `--token-file`; it accepts no writes")
    }
    let given = request.headers[.authorization].flatMap { header -> Substring? in
      let parts = header.split(separator: " ", maxSplits: 1)
      return parts.count == 2 && parts[0].lowercased() == "bearer" ? parts[1] : nil
    }
    guard let given, Self.equal(Array(given.utf8), Array(token.utf8)) else {
      var problem = Problem(.unauthorized, "unauthorized", "unauthorized", detail: "a valid bearer token is needed (`Authorization: Bearer …`)")
      problem.headers = [.wwwAuthenticate: "Bearer"]
      throw problem
    }
  }

  /// Compares without stopping at the first difference, so the time taken does not tell how much matched.
  static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(a.count == b.count ? 0 : 1)
    for i in 0..<max(a.count, b.count) {
      difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
    }
    return difference == 0
  }
}
