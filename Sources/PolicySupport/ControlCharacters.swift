/// What counts as a control character, for every reader that refuses them and every writer that
/// shows them: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F), and the bidirectional overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), which reorder what a terminal or spreadsheet shows.
///
/// An id holding one is refused on input (a NUL cut the ledger key short, so two workers shared a
/// key); a value holding one is shown escaped on a terminal (ESC sequences set the window title and
/// clear the screen). One definition keeps the two sides in step.
public enum ControlCharacters {
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }

  /// The first control character in `text` and its column (in Unicode scalars, from 1).
  public static func first(in text: String) -> (column: Int, scalar: Unicode.Scalar)? {
    var column = 1
    for scalar in text.unicodeScalars {
      if isControl(scalar) { return (column, scalar) }
      column += 1
    }
    return nil
  }

  /// A name a clerk can act on: `TAB (U+0009)`, `NUL (U+0000)`, `ESC (U+001B)`.
  public static func name(_ scalar: Unicode.Scalar) -> String {
    let names: [UInt32: String] = [0x00: "NUL", 0x09: "TAB", 0x0A: "line feed", 0x0D: "carriage return", 0x1B: "ESC", 0x7F: "DEL"]
    let code = "U+" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
      + String(scalar.value, radix: 16, uppercase: true)
    return names[scalar.value].map { "\($0) (\(code))" } ?? code
  }

  /// The same name in Chinese: `空字符（U+0000）`, `制表符（U+0009）`.
  public static func nameZh(_ scalar: Unicode.Scalar) -> String {
    let names: [UInt32: String] = [0x00: "空字符", 0x09: "制表符", 0x0A: "换行符", 0x0D: "回车符", 0x1B: "转义符 ESC", 0x7F: "删除符 DEL"]
    let code = "U+" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
      + String(scalar.value, radix: 16, uppercase: true)
    return names[scalar.value].map { "\($0)（\(code)）" } ?? code
  }

  /// `text` safe to print on a terminal: line feeds and tabs stay (they lay out reports), every
  /// other control character is shown as an escape: `\e` for ESC, `\r`, `\0`, else `\u{…}`.
  /// Printable text, Chinese included, is unchanged; escaping twice changes nothing more.
  public static func escapedForTerminal(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      guard isControl(scalar), scalar != "\n", scalar != "\t" else {
        out.append(scalar)
        continue
      }
      let escape: String
      switch scalar.value {
      case 0x1B: escape = "\\e"
      case 0x0D: escape = "\\r"
      case 0x00: escape = "\\0"
      default: escape = "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      }
      out.append(contentsOf: escape.unicodeScalars)
    }
    return String(out)
  }
}
