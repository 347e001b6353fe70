import Foundation
import Testing

/// Rows and files for the hardening suites: one good 盈江 row (line 2 of `mixed.csv`, payable 100.00
/// on 2024-12-31) to vary cell by cell, and byte-exact files for encodings and line ends.
enum Hostile {
  static let asOf = "2024-12-31"

  /// `mixed.csv`'s first data row, by column: YJ-D001 / YJ-P001, employment service subsidy payable.
  static func goodRow() throws -> BatchRow {
    let records = TestCSV.parse(try BatchFixtures.text("mixed.csv"))
    let header = records[0].fields, first = records[1].fields
    return BatchRow(Dictionary(uniqueKeysWithValues: zip(header, first)))
  }

  /// A batch CSV of `rows` (contract columns) written byte for byte to `dir/name`.
  static func csv(_ rows: [BatchRow], in dir: URL, _ name: String = "batch.csv") throws -> String {
    let text = ([TestCSV.line(BatchFixtures.columns)] + rows.map { $0.csv() }).joined(separator: "\n") + "\n"
    return try write(text, to: dir, name)
  }

  /// `rows` of the good row, each with its own dispatch, person, household id and ID number (an ID
  /// number identifies one person, so two people may not share one).
  static func distinctRows(_ count: Int) throws -> [BatchRow] {
    let base = try goodRow()
    return (0..<count).map { i in
      var row = base
      row["dispatch_id"] = "D\(i)"
      row["person_id"] = "P\(i)"
      row["household_id"] = "H\(i)"
      row["person_id_number"] = BatchFixtures.idNumber("533123", born: "1990-01-01", sequence: 100 + i)
      return row
    }
  }

  static func bytes(_ data: [UInt8], in dir: URL, _ name: String) throws -> String {
    let url = dir.appendingPathComponent(name)
    try Data(data).write(to: url)
    return url.path
  }

  /// Runs the CLI with a time limit: a hang is a failure, not a stuck test run.
  static func runCLIWithin(_ seconds: Double, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String)? {
    guard let executable = Paths.executable else { throw CLIError.notBuilt }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let folder = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("stdout")
    let err = folder.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    if process.isRunning {
      // SIGKILL: a child started from the test runner may have SIGTERM blocked.
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "", (try? String(contentsOf: err, encoding: .utf8)) ?? "")
  }

  /// Files in `dir` whose names say they are temporary outputs left behind.
  static func leftovers(_ dir: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".tmp") }
  }
}
