import Foundation
import Testing

/// Compares text with a golden file in Tests/SubsidyTests/Snapshots; `RECORD_SNAPSHOTS=1` rewrites it.
/// Review re-recorded files with `git diff`.
func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let url = Paths.snapshots.appendingPathComponent(name + ".txt")
  let normalized = text.replacingOccurrences(of: Paths.root.path + "/", with: "")
  if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" || !FileManager.default.fileExists(atPath: url.path) {
    try? normalized.write(to: url, atomically: true, encoding: .utf8)
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != "1" {
      Issue.record("recorded a new snapshot `\(name)`; run again to compare", sourceLocation: sourceLocation)
    }
    return
  }
  let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
  #expect(normalized == expected, "snapshot `\(name)` differs; RECORD_SNAPSHOTS=1 to re-record", sourceLocation: sourceLocation)
}
