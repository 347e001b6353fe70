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

  /// The repository folders a command may name by a relative path (`policies`, `examples/…`).
  static let sharedFolders = ["policies", "examples", "docs", "Tests"]

  /// A fresh working directory for one run of the CLI: the repository's folders are linked in, so
  /// relative paths work, but nothing else of the repository is there. What a command writes by
  /// default (`subsidy-ledger.sqlite`) lands here, and a file a user left in the repository root
  /// (a ledger from the README's `batch --commit` lines) is never read.
  static func sandbox() -> URL {
    let url = temporaryDirectory()
    for name in sharedFolders {
      try? FileManager.default.createSymbolicLink(at: url.appendingPathComponent(name), withDestinationURL: root.appendingPathComponent(name))
    }
    return url
  }

  /// A fresh folder for one test, inside this process's `testFolders`: a test may remove it when done
  /// (to free the disk early), but need not.
  static func temporaryDirectory() -> URL {
    let url = testFolders.appendingPathComponent(UUID().uuidString)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The one folder this test process makes its folders in (`subsidy-tests-<UUID>` in the temporary
  /// folder), removed with all they hold when the process exits. Before, each test's folder stayed:
  /// thousands of them, and the CLI's outputs in them, after a few runs.
  static let testFolders: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("subsidy-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    // A symlink a sandbox holds is removed, not followed: the repository's folders stay.
    atexit { try? FileManager.default.removeItem(at: Paths.testFolders) }
    return url
  }()
}
