import Foundation

/// A sentence for a person, written in English and Chinese at the one place it is made, as a
/// `Diagnostic` carries `message` and `messageZh`. Errors that reach the command line (a CSV that
/// cannot be read, a file that cannot be written, a ledger that is missing) carry one, so the
/// command prints the language of its `--lang` without translating anything itself.
public struct LocalizedText: Hashable, Sendable, CustomStringConvertible {
  public var en: String
  public var zh: String

  public init(_ en: String, zh: String) {
    self.en = en
    self.zh = ChinesePhrase.tidy(zh)
  }

  /// Words from outside the product (a database server's message, an error of a library) that have
  /// no Chinese: the Chinese shows them as they are, quoted in backticks.
  public static func verbatim(_ text: String) -> LocalizedText {
    LocalizedText(text, zh: "`\(text.replacingOccurrences(of: "`", with: "'"))`")
  }

  /// Both texts changed alike (masked, or put after a field's name), as written: not tidied again.
  public func map(_ change: (String) -> String) -> LocalizedText {
    var out = self
    out.en = change(en)
    out.zh = change(zh)
    return out
  }

  /// The text in `language`.
  public func text(in language: DiagnosticLanguage) -> String { language == .zh ? zh : en }

  /// English, for logs, JSON and `String(describing:)`.
  public var description: String { en }
}

/// An error whose text a person reads on the command line, in both languages. Its `description`
/// is the English (what logs, the server's problem documents and tests that predate the Chinese see).
public protocol LocalizedFailure: Error, CustomStringConvertible {
  var text: LocalizedText { get }
}

extension LocalizedFailure {
  public var description: String { text.en }
}

/// The text of any error: its own for a `LocalizedFailure`, otherwise its English shown verbatim.
public func localizedText(of error: any Error) -> LocalizedText {
  (error as? any LocalizedFailure)?.text ?? .verbatim(String(describing: error))
}
