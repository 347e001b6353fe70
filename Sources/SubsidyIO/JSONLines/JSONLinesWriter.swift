/// Buffered JSON Lines output (one JSON value per line) to an `OutputFile` or stdout, through the
/// same buffer as `CSVWriter`. The caller writes each line's JSON; a line break inside it would cut the
/// value in two, so it must be compact (`JSONWriter(pretty: false)` escapes every control character).
public struct JSONLinesWriter {
  private var output: BufferedOutput

  public init(file: OutputFile?) { output = BufferedOutput(file: file) }

  /// One line: `json`, then a line break.
  public mutating func line(_ json: String) throws {
    precondition(!json.utf8.contains(UInt8(ascii: "\n")), "a JSON Lines value spans lines")
    output.append { buffer in
      buffer += json.utf8
      buffer.append(UInt8(ascii: "\n"))
    }
    try output.flushIfFull()
  }

  public mutating func flush() throws { try output.flush() }
}
