import Foundation
import Testing

/// A file that is not text (the Excel workbook instead of the CSV saved from it, a PNG, UTF-16) is
/// named for what it is, with the way to make the CSV, instead of being read as text in the wrong
/// encoding ("looks GBK-encoded").
@Suite struct BinaryInputTests {
  static let files: [(name: String, bytes: [UInt8], says: String, saysZh: String, fromExcel: Bool)] = [
    ("book.csv", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00] + Array(repeating: 0x41, count: 64), "an Excel workbook (.xlsx)", "Excel 工作簿（.xlsx）", true),
    ("old.csv", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00, 0x00], "an Excel 97–2003 workbook (.xls)", "Excel 97–2003 工作簿", true),
    ("photo.csv", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xB5, 0xC4], "an image", "图片", false),
    ("unicode.csv", [0xFF, 0xFE] + Array("dispatch_id".utf8).flatMap { [$0, 0x00] }, "UTF-16 text", "UTF-16 文本", true),
    ("no-bom.csv", Array("dispatch_id,person_id\n".utf8).flatMap { [$0, 0x00] }, "UTF-16 text", "UTF-16 文本", true),
    ("archive.csv", [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x04, 0xB5, 0xC4], "a compressed archive", "压缩包", false),
    ("scan.csv", Array("%PDF-1.7\n".utf8) + [0xB5, 0xC4, 0xD6], "a PDF document", "PDF 文档", false),
    ("nul.csv", Array("dispatch_id\u{0},person_id\n".utf8), "a binary file", "二进制文件", false),
  ]

  @Test(arguments: files.indices)
  func theBatchNamesWhatTheFileIs(_ i: Int) throws {
    let file = Self.files[i]
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent(file.name).path
    try Data(file.bytes).write(to: URL(filePath: path))
    let english = try runCLI(["batch", path, "--as-of", "2025-01-01", "--lang", "en", "--policies", Paths.policies], in: dir)
    #expect(english.status != 0)
    #expect(english.stderr.contains("line 1: the file is \(file.says)") && !english.stderr.contains("GBK"), "\(english.stderr)")
    // Excel's way out for what Excel made; for a scan or a photo, what to give instead.
    #expect(english.stderr.contains("CSV UTF-8 (Comma delimited)") == file.fromExcel, "\(english.stderr)")
    let chinese = try runCLI(["batch", path, "--as-of", "2025-01-01", "--policies", Paths.policies], in: dir)
    #expect(chinese.status != 0 && chinese.stderr.contains("这个文件是\(file.saysZh)"), "\(chinese.stderr)")
  }

  /// A header that merely begins with the letters of a signature (`GIF8…`, `%PDF…` without the rest of
  /// it) is text, and a NUL in a later row rejects that row, not the file.
  @Test func textThatLooksLikeASignatureIsRead() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let regions = try BatchFixtures.text("regions.csv")
    let gif = try write("GIF8_note," + regions.replacingOccurrences(of: "\n", with: "\n,"), to: dir, "gif.csv")
    let run = try runBatch(gif, asOf: "2024-12-31", in: dir, name: "gif")
    #expect(run.status == 0 && !run.payouts.isEmpty, "\(run.stderr)")
    var lines = regions.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[2] = lines[2].replacingOccurrences(of: ",", with: ",\u{0}", options: [], range: lines[2].range(of: ","))
    let nul = try write(lines.joined(separator: "\n"), to: dir, "nul-row.csv")
    let rejected = try runBatch(nul, asOf: "2024-12-31", in: dir, name: "nul")
    #expect(rejected.status == 0 && rejected.rejects.count == 1 && rejected.rejects.first?["line"] == "3", "\(rejected.rejectsText)")
  }

  /// `subsidy eval` of a workbook names it too (the facts reader asks the same recogniser).
  @Test func evalNamesAWorkbook() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("case.yaml").path
    try Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]).write(to: URL(filePath: path))
    let run = try runCLI(["eval", path, "--policies", Paths.policies, "--lang", "en"], in: dir)
    #expect(run.status != 0 && run.stderr.contains("file is an Excel workbook (.xlsx) or another ZIP archive, not YAML or JSON text"), "\(run.stderr)")
  }

  @Test func aJSONLinesFileTooAndTextIsStillRead() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("facts.jsonl").path
    try Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00]).write(to: URL(filePath: path))
    let run = try runCLI(["batch", path, "--as-of", "2025-01-01", "--lang", "en", "--policies", Paths.policies], in: dir)
    #expect(run.status != 0 && run.stderr.contains("the file is an Excel workbook (.xlsx) or another ZIP archive, not JSON Lines text"), "\(run.stderr)")
    // A CSV is still read as one.
    let csv = try write(try BatchFixtures.text("regions.csv"), to: dir, "regions.csv")
    #expect(try runBatch(csv, asOf: "2024-12-31", in: dir).status == 0)
  }
}
