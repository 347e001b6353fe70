import PolicySupport

/// Recognises a file that is not text at all by its first bytes: an Excel workbook chosen instead of
/// the CSV saved from it (the usual mistake at a finance bureau), an old `.xls`, a PDF, an image.
///
/// Without this such a file was read as text: an `.xlsx` (a ZIP archive) failed on its first byte that
/// is not UTF-8, and a PNG was said to "look GBK-encoded", which sent the clerk to the wrong fix.
public enum BinaryFormat {
  /// What the file is, in both languages, when its first bytes are a known signature; nil for anything
  /// else. (A NUL byte alone is no sign: a CSV with one in a cell has that row rejected, not the file.)
  public static func named(_ bytes: some Collection<UInt8>) -> LocalizedText? {
    let head = Array(bytes.prefix(8))
    func starts(_ signature: [UInt8]) -> Bool { head.starts(with: signature) }
    if starts([0x50, 0x4B, 0x03, 0x04]) {
      return LocalizedText("an Excel workbook (.xlsx) or another ZIP archive", zh: "Excel 工作簿（.xlsx）或其他 ZIP 压缩包")
    }
    if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
      return LocalizedText("an Excel 97–2003 workbook (.xls) or another Office file", zh: "Excel 97–2003 工作簿（.xls）或其他 Office 文件")
    }
    if starts(Array("%PDF".utf8)) { return LocalizedText("a PDF document", zh: "PDF 文档") }
    if starts([0x89, 0x50, 0x4E, 0x47]) || starts([0xFF, 0xD8, 0xFF]) || starts(Array("GIF8".utf8)) {
      return LocalizedText("an image", zh: "图片")
    }
    if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) {
      return LocalizedText("UTF-16 text (as Excel's \"Unicode Text\" saves it)", zh: "UTF-16 文本（Excel 的“Unicode 文本”即是此格式）")
    }
    return nil
  }

  /// The reader's message for such a file: what it is and, for a CSV, how to make one from Excel.
  static func failure(_ what: LocalizedText, expected: String) -> CSVReader.Failure {
    let csv = expected == "CSV"
    return CSVReader.Failure(
      line: 1,
      message: "the file is \(what.en), not \(expected) text"
        + (csv ? "; in Excel, save it with File › Save As › \"CSV UTF-8 (Comma delimited)\" and give that file" : ""),
      zh: "这个文件是\(what.zh)，不是 \(expected) 文本"
        + (csv ? "；请在 Excel 中用“文件 › 另存为 › CSV UTF-8（逗号分隔）”保存后再提交该文件" : ""))
  }
}
