import Foundation

/// Turns diagnostics into text for people (with the source line and a caret) or JSON for tools.
///
/// People read Chinese by default (`language: .en` for English): the message, help and notes, and
/// the words around them (错误, 警告, 提示, 注, 条款). Codes, `file:line:column` and the caret stay as
/// they are, so a search for `error[unknown-field]`'s code finds both. JSON keeps the English
/// `message` for machines and adds `message_zh` / `help_zh`.
public struct DiagnosticRenderer: Sendable {
  public enum Format: String, Sendable, CaseIterable { case human, plain, json }

  public var format: Format
  public var color: Bool
  public var language: DiagnosticLanguage
  private var sources: [String: SourceFile]

  public init(format: Format = .human, color: Bool = false, language: DiagnosticLanguage = .zh, sources: [SourceFile] = []) {
    self.format = format
    self.language = language
    self.color = color && format == .human
    self.sources = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
  }

  public mutating func register(_ file: SourceFile) { sources[file.path] = file }

  public func render(_ diagnostics: [Diagnostic]) -> String {
    switch format {
    case .json:
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      guard let data = try? encoder.encode(diagnostics), let text = String(data: data, encoding: .utf8) else { return "[]\n" }
      return text + "\n"
    case .plain, .human:
      // Messages and quoted lines carry the user's text; its control characters are shown escaped
      // (before colour is added, so the renderer's own colour codes stay).
      return diagnostics.map(renderOne).joined()
    }
  }

  /// `file:line:col: severity[code]: message`, the quoted line, a caret, then help and notes.
  public func renderOne(_ d: Diagnostic) -> String {
    var out = ""
    let location = d.span.map { "\($0.file):\($0.start.line):\($0.start.column): " } ?? ""
    let severity = paint("\(word(d.severity))[\(d.code)]", d.severity == .error ? "31;1" : d.severity == .warning ? "33;1" : "36;1")
    let safe = ControlCharacters.escapedForTerminal
    let zh = language == .zh
    out += "\(safe(location))\(severity): \(safe(d.message(in: language)))\n"
    if let span = d.span { out += quote(span) }
    if let clause = d.clause { out += zh ? "   = 条款：\(safe(clause))\n" : "   = clause: \(safe(clause))\n" }
    if let help = d.help(in: language) { out += zh ? "   \(paint("提示", "32;1"))：\(safe(help))\n" : "   \(paint("help", "32;1")): \(safe(help))\n" }
    for note in d.notes {
      let at = note.span.map { zh ? "（\($0)）" : " (\($0))" } ?? ""
      let text = safe(note.message(in: language) + at)
      out += zh ? "   \(paint("注", "36;1"))：\(text)\n" : "   \(paint("note", "36;1")): \(text)\n"
      if format == .human, let span = note.span { out += quote(span) }
    }
    return out
  }

  /// The severity as shown before the code: `错误[unknown-field]`, or `error[unknown-field]` in English.
  private func word(_ severity: Diagnostic.Severity) -> String {
    guard language == .zh else { return severity.rawValue }
    switch severity {
    case .error: return "错误"
    case .warning: return "警告"
    case .note: return "注"
    }
  }

  /// The line after `check`'s diagnostics: "已检查 5 个政策（31 条规则）：0 个错误，1 个警告", or
  /// "checked 5 policies (31 rules): 0 errors, 1 warning".
  public func summary(policies: Int, rules: Int, errors: Int, warnings: Int, dropped: Int) -> String {
    if language == .zh {
      var line = "已检查 \(policies) 个政策（\(rules) 条规则）：\(errors) 个错误，\(warnings) 个警告"
      if dropped > 0 { line += "（另有 \(dropped) 条未显示）" }
      return line
    }
    var line = "checked \(policies) \(policies == 1 ? "policy" : "policies") (\(rules) rule\(rules == 1 ? "" : "s")): "
    line += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    if dropped > 0 { line += " (\(dropped) more not shown)" }
    return line
  }

  /// The widest excerpt of a source line a diagnostic quotes, in characters. A longer line (a minified
  /// JSON file, a file that is not a policy at all) is cut around the caret, with an ellipsis.
  public static let excerptWidth = 200

  private func quote(_ span: SourceSpan) -> String {
    guard let file = sources[span.file], let line = file.line(span.start.line) else { return "" }
    let number = String(span.start.line)
    let gutter = String(repeating: " ", count: number.count)
    let scalars = Array(line.unicodeScalars)
    let caret = min(max(0, span.start.column - 1), scalars.count)
    // The window, in terminal columns: from the line's start while the caret is near it, else from
    // a little before the caret; then as far as the width allows.
    let limit = Self.excerptWidth
    var from = 0
    if scalars[..<caret].reduce(0, { $0 + Self.width(of: $1) }) > limit - 40 {
      from = caret
      var back = 0
      while from > 0, back + Self.width(of: scalars[from - 1]) <= 40 {
        from -= 1
        back += Self.width(of: scalars[from])
      }
    }
    var to = from, used = 0
    while to < scalars.count, used + Self.width(of: scalars[to]) <= limit {
      used += Self.width(of: scalars[to])
      to += 1
    }
    let lead = from > 0 ? "…" : "", tail = to < scalars.count ? "…" : ""
    // Control characters are shown escaped (an ESC in a file must not reach the terminal); the caret
    // is placed under the escaped text.
    let shown = ControlCharacters.escapedForTerminal(lead + String(String.UnicodeScalarView(scalars[from..<to])) + tail)
    let before = ControlCharacters.escapedForTerminal(String(String.UnicodeScalarView(scalars[from..<min(max(from, caret), to)])))
    let pad = (from > 0 ? " " : "") + before.unicodeScalars.map { $0 == "\t" ? "\t" : String(repeating: " ", count: Self.width(of: $0)) }.joined()
    let covered = scalars.dropFirst(caret).prefix(span.length).prefix(max(0, to - caret))
    let beyond = to == scalars.count ? max(0, span.length - covered.count) : 0
    let caretWidth = max(1, covered.reduce(0) { $0 + Self.width(of: $1) } + beyond)
    return " \(number) | \(shown)\n \(gutter) | \(pad)\(paint(String(repeating: "^", count: min(caretWidth, Self.excerptWidth)), "31;1"))\n"
  }

  private func paint(_ text: String, _ code: String) -> String {
    color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  /// Terminal columns a scalar takes: 2 for CJK and full-width forms, so carets line up under Chinese text.
  static func width(of scalar: Unicode.Scalar) -> Int {
    switch scalar.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x20000...0x3FFFD:
      2
    default:
      1
    }
  }
}
