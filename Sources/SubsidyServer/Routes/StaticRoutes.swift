import Hummingbird

/// `GET /openapi.yaml`, the page at `/` and its files at `/assets/{file}`: sent as committed, from memory.
struct StaticRoutes: Sendable {
  let resources: ServerResources

  func send(_ name: String) throws -> Response {
    guard let file = resources[name] else {
      throw Problem.notFound("not-installed", "`\(name)` is not installed beside the server (its resource folder is missing)")
    }
    var headers: HTTPFields = [.contentType: file.contentType, .cacheControl: "no-cache"]
    headers[.init("X-Content-Type-Options")!] = "nosniff"
    if file.contentType.hasPrefix("text/html") {
      // The page loads only its own files and talks only to this server.
      headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    }
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
  }

  func asset(_ context: some RequestContext) throws -> Response {
    let name = context.parameters.get("file") ?? ""
    let plain = !name.isEmpty && name.count <= 64 && !name.hasPrefix(".")
      && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0) }
    guard plain else { throw Problem.badRequest("bad-id", "`\(name.prefix(80))` is not a plain file name") }
    return try send("web/" + name)
  }
}
