import Hummingbird

/// The routes the server answers, by pattern (`/v1/policies/:id`), so a request for a known path
/// with another method is answered 405 with `Allow`, not 404.
struct RouteTable: Sendable {
  private(set) var routes: [(method: HTTPRequest.Method, segments: [Substring])] = []

  mutating func add(_ method: HTTPRequest.Method, _ pattern: String) {
    routes.append((method, pattern.split(separator: "/")))
  }

  /// The methods answered at `path`; empty when no route matches it.
  func methods(at path: String) -> [HTTPRequest.Method] {
    let parts = path.split(separator: "/")
    return routes.filter { route in
      route.segments.count == parts.count && zip(route.segments, parts).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
    }.map(\.method)
  }
}
