import Foundation
import PolicySupport
import PolicyValues
import SubsidyKit

/// Writing to stdout/stderr, and whether they are terminals (for colour and progress).
enum Terminal {
  static func out(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func err(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  /// Human text (reports, tables, summaries): control characters from ids and names are shown
  /// escaped, so a value cannot set the window title or clear the screen. CSV and JSON use `out`.
  static func text(_ text: String, toStderr: Bool = false) {
    let safe = ControlCharacters.escapedForTerminal(text)
    if toStderr { err(safe) } else { out(safe) }
  }

  /// A line of the command's own about what went wrong, on stderr: `错误：…` by default and
  /// `error: …` with `--lang en`, then an optional `提示：` / `help:` line. Every such line of the
  /// commands is printed here, from a `LocalizedText` or an error that carries one
  /// (`LocalizedFailure`), so none is left in one language. User text is shown escaped, as in `text`.
  static func error(_ text: LocalizedText, help: LocalizedText? = nil, language: DiagnosticLanguage) {
    line(.error, text, help: help, language: language)
  }

  static func error(_ en: String, zh: String, help: LocalizedText? = nil, language: DiagnosticLanguage) {
    line(.error, LocalizedText(en, zh: zh), help: help, language: language)
  }

  /// An error's own text (a `LocalizedFailure`'s two languages; any other error's words as they are).
  static func error(_ failure: any Error, language: DiagnosticLanguage) {
    line(.error, localizedText(of: failure), language: language)
  }

  /// The same for a warning (`警告：`) or a note (`注：`).
  static func line(_ severity: Diagnostic.Severity, _ message: LocalizedText, help: LocalizedText? = nil, language: DiagnosticLanguage) {
    let zh = language == .zh
    let word: String
    switch severity {
    case .error: word = zh ? "错误" : "error"
    case .warning: word = zh ? "警告" : "warning"
    case .note: word = zh ? "注" : "note"
    }
    var out = zh ? "\(word)：\(message.zh)\n" : "\(word): \(message.en)\n"
    if let help { out += zh ? "   提示：\(help.zh)\n" : "   help: \(help.en)\n" }
    text(out, toStderr: true)
  }

  static var stderrIsTerminal: Bool { isatty(2) == 1 }
  static var stdoutIsTerminal: Bool { isatty(1) == 1 }

  /// Prints diagnostics to stderr with their source lines. With `maskPII` (facts files, unless
  /// `--show-pii`) anything that looks like an ID number in the messages is masked too.
  /// `language` is the command's `--lang` (Chinese by default).
  static func report(_ diagnostics: [Diagnostic], sources: [SourceFile], format: DiagnosticRenderer.Format = .human, color: Bool? = nil,
                     language: DiagnosticLanguage, maskPII: Bool = false) {
    guard !diagnostics.isEmpty else { return }
    let renderer = DiagnosticRenderer(format: format, color: color ?? (stderrIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil),
                                      language: language, sources: sources)
    let text = renderer.render(diagnostics)
    err(maskPII ? PIIMask.mask(text) : text)
  }
}
