/// The text of one input file, kept so diagnostics can quote the offending line.
public struct SourceFile: Sendable {
  /// The path as the user gave it (relative paths stay relative in messages).
  public let path: String
  public let text: String
  /// Start offsets (in UTF-8 bytes) of each line; computed once.
  private let lineStarts: [String.Index]

  public init(path: String, text: String) {
    self.path = path
    self.text = text
    // A line starts after each `\n` (a `\r\n` ends with one too). Found by bytes, not by Characters:
    // grapheme breaking cost more than the rest of reading a request (a line feed always ends a
    // Character, so these are Character boundaries all the same). The bytes are read in place rather
    // than through the UTF-8 view's indices (a hundredth of a served request), and a byte's offset is
    // its index in the view whatever the string's storage.
    var starts: [String.Index] = [text.startIndex]
    let utf8 = text.utf8
    var contiguous = text
    contiguous.withUTF8 { bytes in
      for offset in bytes.indices where bytes[offset] == UInt8(ascii: "\n") {
        starts.append(utf8.index(utf8.startIndex, offsetBy: offset + 1))
      }
    }
    self.lineStarts = starts
  }

  /// The text of a 1-based line without its line break, or nil past the end.
  public func line(_ number: Int) -> Substring? {
    guard number >= 1, number <= lineStarts.count else { return nil }
    let start = lineStarts[number - 1]
    let end = number < lineStarts.count ? lineStarts[number] : text.endIndex
    var slice = text[start..<end]
    while let last = slice.last, last == "\n" || last == "\r" || last == "\r\n" { slice = slice.dropLast() }
    return slice
  }

  public var lineCount: Int { lineStarts.count }
}
