extension SourceFile {
  /// A copy whose text under each span (on its line, from its column, for its length in scalars) is
  /// replaced by `mask` of that text, so a diagnostic quoting the line does not show personal data.
  /// `mask` keeps the length, so every other column and caret stays where it was.
  public func redacting(_ spans: [SourceSpan], with mask: (String) -> String) -> SourceFile {
    let mine = spans.filter { $0.file == path }
    guard !mine.isEmpty else { return self }
    let byLine = Dictionary(grouping: mine, by: \.start.line)
    var lines: [String] = []
    lines.reserveCapacity(lineCount)
    for number in 1...max(1, lineCount) {
      guard let line = line(number) else { continue }
      guard let spans = byLine[number] else {
        lines.append(String(line))
        continue
      }
      var scalars = Array(line.unicodeScalars)
      for span in spans {
        let from = max(0, span.start.column - 1), to = min(scalars.count, from + span.length)
        guard from < to else { continue }
        let masked = Array(mask(String(String.UnicodeScalarView(scalars[from..<to]))).unicodeScalars)
        scalars.replaceSubrange(from..<to, with: masked)
      }
      lines.append(String(String.UnicodeScalarView(scalars)))
    }
    return SourceFile(path: path, text: lines.joined(separator: "\n"))
  }
}
