/// A stable identifier for a kind of problem, e.g. `unknown-field`. Tests and users match on it.
public struct DiagnosticCode: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
  public let rawValue: String
  public init(_ rawValue: String) { self.rawValue = rawValue }
  public init(stringLiteral value: String) { self.rawValue = value }
  public var description: String { rawValue }
  public init(from decoder: any Decoder) throws {
    rawValue = try decoder.singleValueContainer().decode(String.self)
  }
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }
}

/// The language a diagnostic is shown in: Chinese for the county officers who read it (the default),
/// English with `--lang en`. PolicySupport's own, since it cannot see SubsidyKit's report language.
public enum DiagnosticLanguage: String, Sendable, CaseIterable { case zh, en }

/// A problem found in a policy or facts file, with where and why.
///
/// Each carries its text twice: English (`message`, `help`: what JSON tools and tests match on) and
/// Chinese (`messageZh`, `helpZh`: what an officer reads). The constructors ask for both, so the two
/// are written together, at the one place the problem is found.
public struct Diagnostic: Hashable, Sendable, Codable {
  public enum Severity: String, Codable, Sendable, Comparable {
    case error, warning, note
    private var rank: Int {
      switch self {
      case .error: 0
      case .warning: 1
      case .note: 2
      }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
  }

  /// A secondary remark, optionally at another place ("first defined here").
  public struct Note: Hashable, Sendable, Codable {
    public var message: String
    /// The same note in Chinese.
    public var messageZh: String?
    public var span: SourceSpan?
    public init(_ message: String, zh: String, at span: SourceSpan? = nil) {
      self.message = message
      self.messageZh = ChinesePhrase.tidy(zh)
      self.span = span
    }
    /// The note's text in `language` (English when it has no Chinese).
    public func message(in language: DiagnosticLanguage) -> String {
      language == .zh ? messageZh ?? message : message
    }
    enum CodingKeys: String, CodingKey {
      case message, span
      case messageZh = "message_zh"
    }
  }

  public var code: DiagnosticCode
  public var severity: Severity
  /// A lowercase fragment without a final period; user text in `backticks`.
  public var message: String
  /// The same message in Chinese (a short sentence without a final 句号; user text in `backticks`).
  public var messageZh: String?
  public var span: SourceSpan?
  public var notes: [Note]
  /// A suggestion such as "did you mean `organized`?".
  public var help: String?
  /// The suggestion in Chinese.
  public var helpZh: String?
  /// The clause of the law behind the rule concerned, when there is one.
  public var clause: String?

  enum CodingKeys: String, CodingKey {
    case code, severity, message, span, notes, help, clause
    case messageZh = "message_zh"
    case helpZh = "help_zh"
  }

  public init(
    _ severity: Severity, _ code: DiagnosticCode, _ message: String, zh: String?, at span: SourceSpan?,
    help: String? = nil, helpZh: String? = nil, notes: [Note] = [], clause: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.messageZh = zh.map(ChinesePhrase.tidy)
    self.span = span
    self.help = help
    self.helpZh = helpZh.map(ChinesePhrase.tidy)
    self.notes = notes
    self.clause = clause
  }

  public static func error(
    _ code: DiagnosticCode, _ message: String, zh: String, at span: SourceSpan?,
    help: String? = nil, helpZh: String? = nil, notes: [Note] = []
  ) -> Diagnostic {
    Diagnostic(.error, code, message, zh: zh, at: span, help: help, helpZh: helpZh, notes: notes)
  }

  public static func warning(
    _ code: DiagnosticCode, _ message: String, zh: String, at span: SourceSpan?,
    help: String? = nil, helpZh: String? = nil, notes: [Note] = []
  ) -> Diagnostic {
    Diagnostic(.warning, code, message, zh: zh, at: span, help: help, helpZh: helpZh, notes: notes)
  }

  /// The message in `language` (English when it has no Chinese).
  public func message(in language: DiagnosticLanguage) -> String {
    language == .zh ? messageZh ?? message : message
  }

  /// The help in `language` (English when it has no Chinese).
  public func help(in language: DiagnosticLanguage) -> String? {
    language == .zh ? helpZh ?? help : help
  }
}
