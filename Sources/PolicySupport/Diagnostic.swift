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

/// A problem found in a policy or facts file, with where and why.
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
    public var span: SourceSpan?
    public init(_ message: String, at span: SourceSpan? = nil) {
      self.message = message
      self.span = span
    }
  }

  public var code: DiagnosticCode
  public var severity: Severity
  /// A lowercase fragment without a final period; user text in `backticks`.
  public var message: String
  public var span: SourceSpan?
  public var notes: [Note]
  /// A suggestion such as "did you mean `organized`?".
  public var help: String?
  /// The clause of the law behind the rule concerned, when there is one.
  public var clause: String?

  public init(
    _ severity: Severity, _ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
    help: String? = nil, notes: [Note] = [], clause: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.span = span
    self.help = help
    self.notes = notes
    self.clause = clause
  }

  public static func error(_ code: DiagnosticCode, _ message: String, at span: SourceSpan?, help: String? = nil, notes: [Note] = []) -> Diagnostic {
    Diagnostic(.error, code, message, at: span, help: help, notes: notes)
  }

  public static func warning(_ code: DiagnosticCode, _ message: String, at span: SourceSpan?, help: String? = nil, notes: [Note] = []) -> Diagnostic {
    Diagnostic(.warning, code, message, at: span, help: help, notes: notes)
  }
}
