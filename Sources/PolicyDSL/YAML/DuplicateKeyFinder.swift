import PolicySupport

/// Finds where a duplicated mapping key is written the second time.
///
/// Yams reports a duplicate with the mark of the key's *first* occurrence, but the line to fix is
/// the repeat. The repeat is in the same mapping, so it is either at the same column on a later
/// line (block style) or later on the same line (flow style `{a: 1, a: 2}`).
enum DuplicateKeyFinder {
  /// The span of the second `key`, given the 1-based place of the first; nil when not found.
  static func repeatOf(_ key: String, firstLine: Int, firstColumn: Int, in file: SourceFile) -> SourceSpan? {
    let forms = [key, "\"\(key)\"", "'\(key)'"].map { Array($0.unicodeScalars) }
    guard firstColumn >= 1, let first = file.line(firstLine) else { return nil }
    let start = Array(first.unicodeScalars)
    // Flow style: later on the same line, after a `{`, `,` or space. A block key (only spaces
    // and `- ` before it) is not searched on its own line, where a nested `{…}` may reuse it.
    let isBlockKey = start.prefix(firstColumn - 1).allSatisfy { $0 == " " || $0 == "-" }
    var i = firstColumn
    while !isBlockKey, i < start.count {
      if [" ", ",", "{"].contains(start[i - 1]), let form = keyAt(i, in: start, forms: forms) {
        return SourceSpan(file: file.path, line: firstLine, column: i + 1, length: form)
      }
      i += 1
    }
    // Block style: the same column on a later line, before the mapping ends (a line indented less).
    let indent = firstColumn - 1
    var number = firstLine + 1
    while let line = file.line(number) {
      let scalars = Array(line.unicodeScalars)
      let firstText = scalars.firstIndex { $0 != " " }
      if let firstText, scalars[firstText] != "#" {
        if firstText < indent { return nil }
        if firstText == indent, let form = keyAt(indent, in: scalars, forms: forms) {
          return SourceSpan(file: file.path, line: number, column: indent + 1, length: form)
        }
      }
      number += 1
    }
    return nil
  }

  /// The length of the form of the key written at `i` and followed by `:`, or nil.
  private static func keyAt(_ i: Int, in line: [Unicode.Scalar], forms: [[Unicode.Scalar]]) -> Int? {
    for form in forms where i + form.count <= line.count && Array(line[i..<(i + form.count)]) == form {
      var j = i + form.count
      while j < line.count, line[j] == " " { j += 1 }
      if j < line.count, line[j] == ":" { return form.count }
    }
    return nil
  }
}
