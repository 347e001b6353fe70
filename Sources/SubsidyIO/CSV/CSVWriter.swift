import Foundation
import PolicySupport

/// Buffered CSV output to an `OutputFile` (renamed into place only when the run succeeds) or stdout.
/// Cells are encoded by `CSVField`: RFC 4180 quoting and formula injection defused.
public struct CSVWriter {
  private let file: OutputFile?
  private var buffer: [UInt8] = []
  private let flushAt = 1 << 20

  /// Writes to `file`, or to stdout when nil.
  public init(file: OutputFile?, excelBOM: Bool) {
    self.file = file
    buffer.reserveCapacity(flushAt + 4096)
    if excelBOM { buffer += [0xEF, 0xBB, 0xBF] }
  }

  public mutating func row(_ fields: [String]) throws {
    CSVField.appendRecord(fields, to: &buffer)
    if buffer.count >= flushAt { try flush() }
  }

  /// Whether the next `cell` begins a record.
  private var atRecordStart = true

  /// One cell of a record written cell by cell (`cell`…, then `endRecord`): the same bytes as `row`,
  /// with no array of the record's cells made first (the payouts file writes one per result).
  public mutating func cell(_ field: String) {
    if !atRecordStart { buffer.append(UInt8(ascii: ",")) }
    atRecordStart = false
    CSVField.append(field, to: &buffer)
  }

  /// Ends a record begun with `cell`.
  public mutating func endRecord() throws {
    buffer.append(UInt8(ascii: "\n"))
    atRecordStart = true
    if buffer.count >= flushAt { try flush() }
  }

  public mutating func flush() throws {
    guard !buffer.isEmpty else { return }
    if let file {
      try file.write(Data(buffer))
    } else {
      FileHandle.standardOutput.write(Data(buffer))
    }
    buffer.removeAll(keepingCapacity: true)
  }
}
