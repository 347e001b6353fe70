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
