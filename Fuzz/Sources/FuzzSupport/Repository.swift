import CLibFuzzer
import Foundation

/// Where the fuzz targets find the shipped policies and schema: `SUBSIDY_REPO`, or the repository
/// this file is in (the targets are built from it and run beside it).
public enum Repository {
  public static let root: String = {
    if let root = ProcessInfo.processInfo.environment["SUBSIDY_REPO"] { return root }
    // …/Fuzz/Sources/FuzzSupport/Repository.swift → …
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
  }()

  public static var policies: String { root + "/policies" }

  /// The input's bytes, copied once: every target reads them as a file's contents would be.
  public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
  }

  /// Stops the process with a message when the fuzz target itself cannot be set up (no policies):
  /// that is not a finding, and libFuzzer would otherwise report it as one on every input.
  public static func setupFailed(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fuzz setup: \(message)\n".utf8))
    exit(2)
  }

  /// Hands `body` to libFuzzer's driver with the command line's arguments (libFuzzer's flags and
  /// corpus directories) and exits with its status.
  public static func fuzz(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, body))
  }
}
