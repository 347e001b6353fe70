import Foundation
import PolicySupport

/// Reads files as UTF-8 text, with a message (not a crash) for missing, unreadable or non-UTF-8 files.
public enum SourceReader {
  /// Files larger than this are refused before parsing: policies and single cases are small.
  public static let maximumBytes = 64 * 1024 * 1024

  public static func read(_ path: String, into d: inout DiagnosticBag) -> SourceFile? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      d.add(Diagnostic(.error, "file-not-found", "no such file `\(path)`", at: nil))
      return nil
    }
    if isDirectory.boolValue {
      d.add(.error("is-a-directory", "`\(path)` is a directory, not a file", at: nil))
      return nil
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      d.add(.error("unreadable", "cannot read `\(path)`", at: nil))
      return nil
    }
    return decode(data, path: path, into: &d)
  }

  /// The text of a file's bytes: the size limit, a UTF-8 BOM dropped, binary and non-UTF-8 files
  /// refused with where the first bad byte is. `read` calls it; so do the fuzz targets (`Fuzz/`),
  /// which have the bytes in memory.
  public static func decode(_ data: Data, path: String, into d: inout DiagnosticBag) -> SourceFile? {
    let span = SourceSpan(file: path, line: 1, column: 1)
    if data.count > maximumBytes {
      d.add(.error("file-too-large", "file is \(data.count) bytes; the limit for one file is \(maximumBytes)", at: span,
                   help: "split it, or use `subsidy batch` for large exports"))
      return nil
    }
    var bytes = data
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    guard let text = String(data: bytes, encoding: .utf8) else {
      // A binary file has no line worth pointing at; a text file in another encoding does.
      if bytes.contains(0) {
        d.add(.error("not-text", "file is binary, not YAML or JSON text", at: span))
        return nil
      }
      let problem = UTF8Check.firstProblem(in: bytes)
      let at = problem.map { SourceSpan(file: path, line: $0.line, column: $0.column) } ?? span
      let byte = problem.map { String($0.byte, radix: 16, uppercase: true) }.map { ": byte 0x\($0) is not valid UTF-8" } ?? ""
      d.add(.error("not-text", "file is not UTF-8 text\(byte)", at: at, help: UTF8Check.saveAsUTF8Hint(gbk: UTF8Check.looksLikeGBK(bytes))))
      return nil
    }
    return SourceFile(path: path, text: text)
  }
}
