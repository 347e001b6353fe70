import PolicySupport

/// Recognises a file that is not text in UTF-8 by its first bytes: an Excel workbook chosen instead of
/// the CSV saved from it (the usual mistake at a finance bureau), an old `.xls`, UTF-16 text, a PDF,
/// an image, an archive.
///
/// Without this such a file was read as text: an `.xlsx` (a ZIP archive) failed on its first byte that
/// is not UTF-8, and a PNG was said to "look GBK-encoded", which sent the clerk to the wrong fix. The
/// CSV and JSON Lines readers and the facts reader (`SourceReader`) all ask here.
public enum BinaryFormat {
  /// What a file is, and whether Excel can save it as the CSV wanted (a workbook, Unicode text).
  public struct Kind: Sendable {
    public let name: LocalizedText
    public let fromExcel: Bool
  }

  /// What the file is, when its first bytes are a known signature, or its first line holds a NUL
  /// byte (no header of a CSV, and no text in UTF-8, does); nil for anything else. A NUL further on
  /// is no sign: a CSV row with one in a cell has that row rejected, not the file.
  public static func named(_ bytes: some Collection<UInt8>) -> Kind? {
    let head = Array(bytes.prefix(4096))
    func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
      head.count >= offset + signature.count && head[offset..<offset + signature.count].elementsEqual(signature)
    }
    func kind(_ en: String, _ zh: String, fromExcel: Bool = false) -> Kind { Kind(name: LocalizedText(en, zh: zh), fromExcel: fromExcel) }
    if starts([0x50, 0x4B, 0x03, 0x04]) { return kind("an Excel workbook (.xlsx) or another ZIP archive", "Excel 工作簿（.xlsx）或其他 ZIP 压缩包", fromExcel: true) }
    if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
      return kind("an Excel 97–2003 workbook (.xls) or another Office file", "Excel 97–2003 工作簿（.xls）或其他 Office 文件", fromExcel: true)
    }
    if starts([0xFF, 0xFE, 0x00, 0x00]) || starts([0x00, 0x00, 0xFE, 0xFF]) { return kind("UTF-32 text", "UTF-32 文本", fromExcel: true) }
    if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) {
      return kind("UTF-16 text (as Excel's \"Unicode Text\" saves it)", "UTF-16 文本（Excel 的“Unicode 文本”即是此格式）", fromExcel: true)
    }
    if starts(Array("%PDF-".utf8)) { return kind("a PDF document", "PDF 文档") }
    if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) || starts([0xFF, 0xD8, 0xFF]) || starts(Array("GIF87a".utf8))
      || starts(Array("GIF89a".utf8)) || starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
      || (starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8)) || starts(Array("ftyp".utf8), at: 4) {
      return kind("an image or a video", "图片或视频")
    }
    if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) || starts(Array("Rar!\u{1A}\u{07}".utf8)) || starts([0x1F, 0x8B]) {
      return kind("a compressed archive (7z, RAR or gzip)", "压缩包（7z、RAR 或 gzip）")
    }
    // A NUL in the first line: UTF-16 without its byte-order mark when every other byte is one (ASCII
    // letters), else some binary file.
    let firstLine = head.prefix { $0 != 0x0A }
    guard firstLine.contains(0) else { return nil }
    let pairs = stride(from: 0, to: firstLine.count - 1, by: 2).map { (firstLine[$0], firstLine[$0 + 1]) }
    if pairs.count >= 2, pairs.allSatisfy({ $0.1 == 0 && $0.0 != 0 }) || pairs.allSatisfy({ $0.0 == 0 && $0.1 != 0 }) {
      return kind("UTF-16 text (as Excel's \"Unicode Text\" saves it)", "UTF-16 文本（Excel 的“Unicode 文本”即是此格式）", fromExcel: true)
    }
    return kind("a binary file", "二进制文件")
  }

  /// The readers' message for such a file: what it is, and for what Excel made, how to make the text wanted.
  static func failure(_ kind: Kind, expected: String) -> CSVReader.Failure {
    let csv = expected == "CSV"
    return CSVReader.Failure(
      line: 1,
      message: "the file is \(kind.name.en), not \(expected) text"
        + (csv && kind.fromExcel ? "; in Excel, save it with File › Save As › \"CSV UTF-8 (Comma delimited)\" and give that file"
                                 : csv ? "; give the batch CSV (an export saved as CSV UTF-8)" : ""),
      zh: "这个文件是\(kind.name.zh)，不是 \(expected) 文本"
        + (csv && kind.fromExcel ? "；请在 Excel 中用“文件 › 另存为 › CSV UTF-8（逗号分隔）”保存后再提交该文件"
                                 : csv ? "；请提交批量 CSV（以 CSV UTF-8 保存的导出文件）" : ""))
  }
}
