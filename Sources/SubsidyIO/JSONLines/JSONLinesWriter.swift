import Foundation

/// Buffered JSON Lines output (one JSON value per line) to an `OutputFile` or stdout, through the
/// same buffer as `CSVWriter`. The caller writes each line's JSON; a line break inside it would cut the
/// value in two, so it must be compact (`JSONWriter(pretty: false)` escapes every control character).
public struct JSONLinesWriter {
  private var output: BufferedOutput

  public init(file: OutputFile?) { output = BufferedOutput(file: file) }

  /// One line: the JSON's bytes, then a line break.
  public mutating func line(_ json: UnsafeBufferPointer<UInt8>) throws {
    if let base = json.baseAddress, json.count > 0 {
      precondition(memchr(base, 0x0A, json.count) == nil, "a JSON Lines value spans lines")
    }
    output.append { buffer in
      buffer.append(contentsOf: json)
      buffer.append(UInt8(ascii: "\n"))
    }
    try output.flushIfFull()
  }

  public mutating func flush() throws { try output.flush() }
}
