import Foundation

/// The files the server sends as they are (the page, the OpenAPI document), read once at start from
/// the resource folder SwiftPM puts beside the executable. Missing files are answered with 404, not
/// a crash (SwiftPM's `Bundle.module` stops the process when the folder is not found).
public struct ServerResources: Sendable {
  public struct File: Sendable {
    public let bytes: [UInt8]
    public let contentType: String
  }

  let files: [String: File]

  /// The name SwiftPM gives the resource folder of this target.
  static let folderName = "subsidy_SubsidyServer.resources"

  /// Reads `openapi.yaml` and the page's files from the first resource folder found.
  public static func load() -> ServerResources {
    let main = Bundle.main.bundleURL
    let candidates = [main, main.deletingLastPathComponent(), Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
      .map { $0.appendingPathComponent(folderName) }
    guard let folder = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else { return ServerResources(files: [:]) }
    var files: [String: File] = [:]
    let types = ["html": "text/html", "css": "text/css", "js": "text/javascript", "yaml": "application/yaml", "svg": "image/svg+xml"]
    func add(_ url: URL, as name: String) {
      guard let data = FileManager.default.contents(atPath: url.path), let type = types[url.pathExtension] else { return }
      files[name] = File(bytes: Array(data), contentType: type + "; charset=utf-8")
    }
    add(folder.appendingPathComponent("openapi.yaml"), as: "openapi.yaml")
    let web = folder.appendingPathComponent("web")
    for name in (try? FileManager.default.contentsOfDirectory(atPath: web.path)) ?? [] {
      add(web.appendingPathComponent(name), as: "web/" + name)
    }
    return ServerResources(files: files)
  }

  public subscript(name: String) -> File? { files[name] }
}
