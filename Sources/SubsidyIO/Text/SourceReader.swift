import Foundation
import PolicySupport

/// Reads files as UTF-8 text, with a message (not a crash) for missing, unreadable or non-UTF-8 files.
public enum SourceReader {
  /// Files larger than this are refused before parsing: policies and single cases are small.
  public static let maximumBytes = 64 * 1024 * 1024

  public static func read(_ path: String, into d: inout DiagnosticBag) -> SourceFile? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      d.add(.error("file-not-found", "no such file `\(path)`", zh: "文件 `\(path)` 不存在", at: nil))
      return nil
    }
    if isDirectory.boolValue {
      d.add(.error("is-a-directory", "`\(path)` is a directory, not a file", zh: "`\(path)` 是文件夹，不是文件", at: nil))
      return nil
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      d.add(.error("unreadable", "cannot read `\(path)`", zh: "无法读取 `\(path)`", at: nil))
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
      d.add(.error("file-too-large", "file is \(data.count) bytes; the limit for one file is \(maximumBytes)",
                   zh: "文件有 \(data.count) 字节；单个文件最多 \(maximumBytes) 字节", at: span,
                   help: "split it, or use `subsidy batch` for large exports", helpZh: "请拆分文件，大批导出的数据请用 `subsidy batch`"))
      return nil
    }
    var bytes = data
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    // A binary file has no line worth pointing at; a text file in another encoding does. (A workbook's
    // first bytes are ASCII and NULs, valid UTF-8: it is named before the bytes are read as text.)
    if let kind = BinaryFormat.named(bytes) ?? (bytes.contains(0) ? BinaryFormat.Kind(name: LocalizedText("a binary file", zh: "二进制文件"), fromExcel: false) : nil) {
      d.add(.error("not-text", "file is \(kind.name.en), not YAML or JSON text", zh: "这是\(kind.name.zh)，不是 YAML 或 JSON 文本", at: span))
      return nil
    }
    guard let text = String(data: bytes, encoding: .utf8) else {
      let problem = UTF8Check.firstProblem(in: bytes)
      let at = problem.map { SourceSpan(file: path, line: $0.line, column: $0.column) } ?? span
      let byte = problem.map { String($0.byte, radix: 16, uppercase: true) }.map { ": byte 0x\($0) is not valid UTF-8" } ?? ""
      let byteZh = problem.map { String($0.byte, radix: 16, uppercase: true) }.map { "：字节 `0x\($0)` 不是有效的 UTF-8" } ?? ""
      let gbk = UTF8Check.looksLikeGBK(bytes)
      d.add(.error("not-text", "file is not UTF-8 text\(byte)", zh: "文件不是 UTF-8 文本\(byteZh)", at: at,
                   help: UTF8Check.saveAsUTF8Hint(gbk: gbk), helpZh: UTF8Check.saveAsUTF8HintZh(gbk: gbk)))
      return nil
    }
    return SourceFile(path: path, text: text)
  }
}
