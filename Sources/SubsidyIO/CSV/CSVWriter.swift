import Foundation
import PolicySupport

/// Buffered CSV output to an `OutputFile` (renamed into place only when the run succeeds) or stdout.
/// Cells are encoded by `CSVField`: RFC 4180 quoting and formula injection defused.
public struct CSVWriter {
  private var output: BufferedOutput

  /// Writes to `file`, or to stdout when nil.
  public init(file: OutputFile?, excelBOM: Bool) {
    output = BufferedOutput(file: file)
    if excelBOM { output.append { $0 += [0xEF, 0xBB, 0xBF] } }
  }

  public mutating func row(_ fields: [String]) throws {
    output.append { CSVField.appendRecord(fields, to: &$0) }
    try output.flushIfFull()
  }

  /// Whether the next `cell` begins a record.
  private var atRecordStart = true

  /// One cell of a record written cell by cell (`cell`…, then `endRecord`): the same bytes as `row`,
  /// with no array of the record's cells made first (the payouts file writes one per result).
  public mutating func cell(_ field: String) {
    let first = atRecordStart
    atRecordStart = false
    output.append { buffer in
      if !first { buffer.append(UInt8(ascii: ",")) }
      CSVField.append(field, to: &buffer)
    }
  }

  /// Ends a record begun with `cell`.
  public mutating func endRecord() throws {
    output.append { $0.append(UInt8(ascii: "\n")) }
    atRecordStart = true
    try output.flushIfFull()
  }

  public mutating func flush() throws { try output.flush() }
}
