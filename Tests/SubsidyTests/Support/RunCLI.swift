import Foundation

/// Runs the built `subsidy` with arguments; returns exit code, stdout, stderr.
///
/// It runs in `directory`, by default a fresh sandbox (`Paths.sandbox()`), never the repository root:
/// a test must not read or write the working directory's files.
func runCLI(_ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
  guard let executable = Paths.executable else { throw CLIError.notBuilt }
  let sandbox = directory == nil ? Paths.sandbox() : nil
  defer { if let sandbox { try? FileManager.default.removeItem(at: sandbox) } }
  let directory = directory ?? sandbox ?? Paths.root
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.currentDirectoryURL = directory
  var environment = ProcessInfo.processInfo.environment
  environment["NO_COLOR"] = "1"
  process.environment = environment
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  // Read before waiting so a large output cannot fill the pipe and block the child.
  let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
  let stderrData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
}

enum CLIError: Error { case notBuilt }
