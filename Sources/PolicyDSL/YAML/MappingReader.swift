import PolicySupport
import PolicyValues

/// Reads the keys of one YAML mapping and reports the ones nobody asked for.
///
/// OpenFisca-based projects silently ignored misplaced keys for years (policyengine-us#8905);
/// here every mapping is read through this type, and `finish()` turns each unread key into an
/// `unknown-key` error with the nearest known key as a suggestion.
public struct MappingReader {
  public let node: YAMLNode
  /// What the mapping is, for messages: "rule", "parameter `cap`".
  public let context: String
  private var pairs: [(key: Located<String>, value: YAMLNode)] = []
  private var known: [String] = []
  /// Which pairs were read, by position (a record is read key by key for each field of its schema,
  /// so this is an array rather than a set of hashed names).
  private var read: [Bool] = []
  /// The table of keys this mapping may have (`PolicyKeys.rule`), when it is one of the policy language's.
  private var table: KeySet?

  /// A mapping whose keys are described in `keys` (the table the JSON Schema is generated from).
  /// Every key read is reported to the current `KeyProbe`, so the schema also has keys the table does
  /// not describe yet; a key the table lists that the parser never reads stops a debug build.
  /// `context` overrides the table's ("parameter `cap`").
  public init?(_ node: YAMLNode, keys: KeySet, context: String? = nil, into diagnostics: inout DiagnosticBag) {
    self.init(node, context: context ?? keys.context, into: &diagnostics)
    table = keys
  }

  /// Returns nil (and reports) if `node` is not a mapping.
  public init?(_ node: YAMLNode, context: String, into diagnostics: inout DiagnosticBag) {
    self.node = node
    self.context = context
    guard case .mapping(let pairs) = node.kind else {
      diagnostics.add(.error("expected-mapping", "\(context) must be a mapping of keys to values, found \(node.describe)",
                                  zh: "\(ChinesePhrase.lead(context))须为键值映射，实际为 \(node.describeZh)", at: node.span))
      return nil
    }
    self.pairs = pairs
    self.read = [Bool](repeating: false, count: pairs.count)
  }

  /// The value of an optional key.
  public mutating func optional(_ key: String) -> YAMLNode? {
    if let table { KeyProbe.current?.record(table.name, key) }
    known.append(key)
    // Every pair with this key is read (`1` and `"1"` are two keys to YAML, one name here); the first answers.
    var found: YAMLNode?
    for i in pairs.indices where pairs[i].key.value == key {
      read[i] = true
      if found == nil { found = pairs[i].value }
    }
    return found
  }

  /// The value of a required key; reports `missing-key` at the mapping when absent.
  public mutating func required(_ key: String, into diagnostics: inout DiagnosticBag) -> YAMLNode? {
    let value = optional(key)
    if value == nil {
      diagnostics.add(.error("missing-key", "\(context) has no `\(key)`", zh: "\(ChinesePhrase.lead(context))缺少 `\(key)`", at: node.span))
    }
    return value
  }

  /// The span of a key itself (for "duplicate id" and similar).
  public func keySpan(_ key: String) -> SourceSpan? {
    pairs.first { $0.key.value == key }?.key.span
  }

  /// Every key with its value, in file order (for maps whose keys are names, like `parameters`).
  public var entries: [(key: Located<String>, value: YAMLNode)] { pairs }

  /// Marks all keys as read (for maps whose keys are data, like parameter names).
  public mutating func readAll() { read = [Bool](repeating: true, count: pairs.count) }

  /// Reports every key that was never asked for.
  public func finish(into diagnostics: inout DiagnosticBag) {
    if let table {
      for spec in table.keys where !spec.overlayOnly {
        assert(known.contains(spec.name), "PolicyKeys.\(table.name) lists `\(spec.name)`, which the parser of \(context) never reads")
      }
    }
    for (i, pair) in pairs.enumerated() where !read[i] {
      diagnostics.add(Self.unknownKey(pair.key, in: context, known: known))
    }
  }

  /// The `unknown-key` error for `key` in a mapping that is `context` and may have the keys `known`
  /// (the nearest one is suggested): what `finish` reports for each key never asked for, and what a
  /// reader that matches keys itself (the facts loader's records) reports in its place.
  public static func unknownKey(_ key: Located<String>, in context: String, known: [String]) -> Diagnostic {
    // A key is quoted in the message, so a long one (a line of a file that is not YAML at all) is cut.
    let shown = key.value.count > 60 ? key.value.prefix(60) + "…" : key.value
    return .error("unknown-key", "unknown key `\(shown)` in \(context)",
                  zh: "\(ChinesePhrase.lead(context))中有未知的键 `\(shown)`", at: key.span,
                  help: EditDistance.didYouMean(key.value, among: known),
                  helpZh: EditDistance.didYouMeanZh(key.value, among: known))
  }
}

/// Typed reads of scalar nodes, each reporting a precise error on a mismatch.
public enum ScalarReader {
  public static func string(_ node: YAMLNode, _ what: String, into diagnostics: inout DiagnosticBag) -> Located<String>? {
    guard let text = node.scalar else {
      diagnostics.add(.error("expected-scalar", "\(what) must be text, found \(node.describe)",
                                  zh: "\(ChinesePhrase.lead(what))须为文本，实际为 \(node.describeZh)", at: node.span))
      return nil
    }
    return Located(text, at: node.span)
  }

  public static func optionalString(_ node: YAMLNode?, _ what: String, into diagnostics: inout DiagnosticBag) -> Located<String>? {
    guard let node, !node.isNull else { return nil }
    return string(node, what, into: &diagnostics)
  }

  public static func date(_ node: YAMLNode, _ what: String, into diagnostics: inout DiagnosticBag) -> Located<CivilDate>? {
    guard let text = node.scalar, let date = CivilDate.parse(text) else {
      diagnostics.add(.error("invalid-date", "\(what) must be a date written YYYY-MM-DD, found \(node.describe)",
                             zh: "\(ChinesePhrase.lead(what))须为 `YYYY-MM-DD` 格式的日期，实际为 \(node.describeZh)", at: node.span,
                             help: node.scalar.flatMap(DateText.explain), helpZh: node.scalar.flatMap(DateText.explainZh)))
      return nil
    }
    return Located(date, at: node.span)
  }

  public static func list(_ node: YAMLNode, _ what: String, into diagnostics: inout DiagnosticBag) -> [YAMLNode]? {
    if case .sequence(let items) = node.kind { return items }
    diagnostics.add(.error("expected-list", "\(what) must be a list, found \(node.describe)",
                                zh: "\(ChinesePhrase.lead(what))须为列表，实际为 \(node.describeZh)", at: node.span))
    return nil
  }
}
