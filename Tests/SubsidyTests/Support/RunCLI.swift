import Foundation

/// Runs the built `subsidy` with arguments in the repository root; returns exit code, stdout, stderr.
func runCLI(_ arguments: [String], in directory: URL = Paths.root) throws -> (status: Int32, stdout: String, stderr: String) {
  guard let executable = Paths.executable else { throw CLIError.notBuilt }
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
