import PolicySupport

/// A YAML node with the place it was written. Our own tree, so later stages never touch Yams
/// and every value keeps a span for diagnostics.
public struct YAMLNode: Sendable {
  public enum Kind: Sendable {
    /// A scalar's text; `plain` is false for quoted and block scalars (so `"533123"` stays a string).
    case scalar(String, plain: Bool)
    case mapping([(key: Located<String>, value: YAMLNode)])
    case sequence([YAMLNode])
  }

  public var kind: Kind
  public var span: SourceSpan
  /// Columns between the node's mark and its first character of content (1 for a quoted scalar).
  public var contentOffset: Int

  public init(kind: Kind, span: SourceSpan, contentOffset: Int = 0) {
    self.kind = kind
    self.span = span
    self.contentOffset = contentOffset
  }

  /// The scalar text, or nil for a mapping or sequence.
  public var scalar: String? {
    if case .scalar(let text, _) = kind { return text }
    return nil
  }

  /// True for `null`, `~` and an empty plain scalar.
  public var isNull: Bool {
    if case .scalar(let text, let plain) = kind { return plain && (text.isEmpty || text == "null" || text == "~" || text == "Null" || text == "NULL") }
    return false
  }

  /// A word for messages: "a mapping", "a list", "`text`".
  public var describe: String {
    switch kind {
    case .scalar(let text, _): return text.isEmpty ? "an empty value" : "`\(text.prefix(40))`"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    }
  }

  /// The same word in Chinese: "键值映射", "列表", "空值", "`text`".
  public var describeZh: String {
    switch kind {
    case .scalar(let text, _): return text.isEmpty ? "空值" : "`\(text.prefix(40))`"
    case .mapping: return "键值映射"
    case .sequence: return "列表"
    }
  }

  /// The span of a piece of this scalar's content, for pointing inside an expression string.
  public func span(ofContentOffset offset: Int, length: Int) -> SourceSpan {
    if case .scalar(_, _) = kind, contentOffset >= 0 {
      return span.shifted(by: contentOffset + offset, length: length)
    }
    return span
  }
}
