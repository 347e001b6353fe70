import Foundation

/// Bytes gathered and written to an `OutputFile` (renamed into place only when the run succeeds) or
/// to stdout a megabyte at a time: the one buffer under each of the batch's writers (`CSVWriter`,
/// `JSONLinesWriter`).
public struct BufferedOutput {
  private let file: OutputFile?
  private(set) var buffer: [UInt8] = []
  private let flushAt = 1 << 20

  /// Writes to `file`, or to stdout when nil.
  public init(file: OutputFile?) {
    self.file = file
    buffer.reserveCapacity(flushAt + 4096)
  }

  /// Appends bytes in place (`CSVField` encodes straight into the buffer).
  @inline(__always)
  mutating func append(_ body: (inout [UInt8]) -> Void) { body(&buffer) }

  /// Writes the buffer out once it holds a megabyte.
  @inline(__always)
  mutating func flushIfFull() throws {
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
