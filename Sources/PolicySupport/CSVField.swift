/// The one way the product writes a CSV cell: RFC 4180 quoting, and OWASP's defence against
/// formula injection, for payouts, rejects, the ledger's list and export, and `compare --format csv`.
///
/// A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(…)`,
/// `=cmd|…`), and one that begins with TAB or CR after trimming it; a worker's name or id typed that
/// way would run on the finance office's machine. Such a cell is written with a leading `'`, which
/// spreadsheets show as text and do not display. A plain decimal number (`-200.00`, `+15`) is left
/// alone: it cannot run anything, and a spreadsheet should still add it up.
public enum CSVField {
  /// Appends one record (cells, then `\n`, or `\r\n` for Excel) to `buffer`.
  public static func appendRecord(_ fields: [String], crlf: Bool = false, to buffer: inout [UInt8]) {
    for (index, field) in fields.enumerated() {
      if index > 0 { buffer.append(UInt8(ascii: ",")) }
      append(field, to: &buffer)
    }
    if crlf { buffer.append(UInt8(ascii: "\r")) }
    buffer.append(UInt8(ascii: "\n"))
  }

  /// One record as text, with its line break.
  public static func record(_ fields: [String], crlf: Bool = false) -> String {
    var buffer: [UInt8] = []
    appendRecord(fields, crlf: crlf, to: &buffer)
    return String(decoding: buffer, as: UTF8.self)
  }

  /// Appends one cell: neutralised if it could run as a formula, quoted if it holds a comma, quote,
  /// CR or LF (a quote inside doubled). Plain cells — nearly all — are copied byte for byte.
  public static func append(_ field: String, to buffer: inout [UInt8]) {
    let copied: Bool? = field.utf8.withContiguousStorageIfAvailable { bytes in
      guard !needsNeutralising(bytes), !bytes.contains(where: needsQuoting) else { return false }
      buffer.append(contentsOf: bytes)
      return true
    }
    if copied == true { return }
    var bytes = Array(field.utf8)
    if needsNeutralising(bytes) { bytes.insert(UInt8(ascii: "'"), at: 0) }
    guard bytes.contains(where: needsQuoting) else {
      buffer.append(contentsOf: bytes)
      return
    }
    buffer.append(UInt8(ascii: "\""))
    for byte in bytes {
      if byte == UInt8(ascii: "\"") { buffer.append(byte) }
      buffer.append(byte)
    }
    buffer.append(UInt8(ascii: "\""))
  }

  /// The cell as written (without the record's separators), for tests and single values.
  public static func encoded(_ field: String) -> String {
    var buffer: [UInt8] = []
    append(field, to: &buffer)
    return String(decoding: buffer, as: UTF8.self)
  }

  @inline(__always)
  static func needsQuoting(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
  }

  /// OWASP's rule: a first character of `=`, `+`, `-`, `@`, TAB or CR, unless the cell is a plain number.
  static func needsNeutralising(_ bytes: some Collection<UInt8>) -> Bool {
    guard let first = bytes.first else { return false }
    switch first {
    case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D: return true
    case UInt8(ascii: "+"), UInt8(ascii: "-"): return !isPlainNumber(bytes.dropFirst())
    default: return false
    }
  }

  /// Digits, optionally with one `.` followed by more digits: `200`, `200.00`.
  private static func isPlainNumber(_ bytes: some Collection<UInt8>) -> Bool {
    var digitsBefore = 0, digitsAfter = 0, sawPoint = false
    for byte in bytes {
      if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
        if sawPoint { digitsAfter += 1 } else { digitsBefore += 1 }
      } else if byte == UInt8(ascii: "."), !sawPoint {
        sawPoint = true
      } else {
        return false
      }
    }
    return digitsBefore > 0 && (!sawPoint || digitsAfter > 0)
  }
}
