import Foundation

/// Paths in the repository, found from this file so tests run from any working directory.
enum Paths {
  static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static var policies: String { root.appendingPathComponent("policies").path }
  static var examples: String { root.appendingPathComponent("examples").path }
  static var conformance: URL { root.appendingPathComponent("Tests/Conformance/cases") }
  static var snapshots: URL { root.appendingPathComponent("Tests/SubsidyTests/Snapshots") }

  /// The built `subsidy` executable (swift test builds it beside the test bundle).
  static var executable: URL? {
    let candidates = [
      Bundle.main.bundleURL.appendingPathComponent("subsidy"),
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("subsidy"),
      root.appendingPathComponent(".build/debug/subsidy"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }

  static func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("subsidy-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
