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
    var starts: [String.Index] = [text.startIndex]
    var index = text.startIndex
    while index < text.endIndex {
      if text[index] == "\n" || text[index] == "\r\n" {
        starts.append(text.index(after: index))
      }
      index = text.index(after: index)
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
