/// A place in a file: 1-based line and column (columns count Unicode scalars, as libyaml does).
public struct SourcePosition: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  public var line: Int
  public var column: Int
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }
  public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
    (a.line, a.column) < (b.line, b.column)
  }
  public var description: String { "\(line):\(column)" }
}

/// A range in a named file that a diagnostic or syntax node points at.
public struct SourceSpan: Hashable, Sendable, Codable, CustomStringConvertible {
  public var file: String
  public var start: SourcePosition
  /// How many columns the caret underline covers (at least 1).
  public var length: Int

  public init(file: String, line: Int, column: Int, length: Int = 1) {
    self.file = file
    self.start = SourcePosition(line: line, column: column)
    self.length = max(1, length)
  }

  /// A span moved `columns` to the right on the same line: used to point inside a YAML scalar.
  public func shifted(by columns: Int, length: Int) -> SourceSpan {
    SourceSpan(file: file, line: start.line, column: start.column + columns, length: length)
  }

  public var description: String { "\(file):\(start.line):\(start.column)" }
}

/// A value together with where it was written. `==` ignores the span so tests compare structure.
public struct Located<Value: Sendable>: Sendable {
  public var value: Value
  public var span: SourceSpan
  public init(_ value: Value, at span: SourceSpan) {
    self.value = value
    self.span = span
  }
}

extension Located: Equatable where Value: Equatable {
  public static func == (a: Located, b: Located) -> Bool { a.value == b.value }
}
