import CYaml
import PolicySupport

/// Builds `YAMLNode`s straight from libyaml's events, for the common document: no alias, every
/// mapping key a scalar, no key written twice, one document. Yams would build its own node tree first
/// (a class per tag, an event object per node, every mapping's keys hashed) and `YAMLLoader` would then
/// copy it into ours: most of the time a served case spends being read.
///
/// It answers only when it is sure to give the tree `YAMLLoader`'s Yams path gives, node for node and
/// span for span; on anything else (a syntax error, an alias, a key that is a list or mapping, two keys
/// with the same text, a second document, nesting deeper than `maximumDepth`) it returns nil and the
/// text is composed through Yams, whose answer (a tree or the diagnostic) is the one given. Two keys
/// with the same text are a superset of what Yams calls duplicates (it also compares tags), so
/// nothing Yams refuses is accepted here.
enum DirectComposer {
  /// Deeper documents are left to Yams (no file of the contract nests past 6 levels).
  static let maximumDepth = 64

  static func compose(_ text: String, file: String) -> YAMLNode? {
    var text = text
    return text.withUTF8 { bytes in compose(bytes, file: file) }
  }

  private struct Frame {
    var isMapping: Bool
    var span: SourceSpan
    var items: [YAMLNode] = []
    var pairs: [(key: Located<String>, value: YAMLNode)] = []
    /// The key read, whose value comes next (in a mapping).
    var key = Located("", at: SourceSpan(file: "", line: 1, column: 1))
    /// Whether the next node is a key (in a mapping).
    var expectsKey = true
    /// The keys so far, once a mapping has too many to compare one by one.
    var keys: Set<String>?
    /// How many entries the last list and the last mapping finished inside this one held: the next
    /// is made that size to begin with (the records of one list have about as many keys, and growing
    /// a record's pairs one by one reallocated them a few times per record).
    var lastListCount = 0, lastMappingCount = 0

    init(isMapping: Bool, span: SourceSpan, capacity: Int) {
      self.isMapping = isMapping
      self.span = span
      if isMapping { pairs.reserveCapacity(capacity) } else { items.reserveCapacity(capacity) }
    }

    /// Whether `text` is not yet a key of this mapping (and now is one).
    mutating func newKey(_ text: String) -> Bool {
      if keys == nil {
        if pairs.count < 16 {
          // Lengths first: most keys differ in length, and comparing those costs no call.
          let length = text.utf8.count
          for i in pairs.indices where pairs[i].key.value.utf8.count == length && pairs[i].key.value == text { return false }
          return true
        }
        keys = Set(pairs.map(\.key.value))
      }
      return keys!.insert(text).inserted
    }

    /// Adds a finished value: an item of a list, or the value of the key read.
    mutating func add(_ node: YAMLNode) {
      if isMapping {
        pairs.append((key, node))
        expectsKey = true
      } else {
        items.append(node)
      }
    }
  }

  /// How many Unicode scalars the UTF-8 `bytes` hold: the bytes that do not continue a sequence.
  /// libyaml refuses text that is not UTF-8, so this is `value.unicodeScalars.count`, without walking
  /// the String's scalars (a twentieth of composing a served case).
  static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var count = 0
    for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
    return count
  }

  private static func compose(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> YAMLNode? {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return nil }
    defer { yaml_parser_delete(&parser) }
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
    // The walk's budget of `YAMLLoader.load`, which only aliases can exhaust; kept so that cannot change.
    var nodes = 20 * bytes.count + 10_000
    var scalarBytes = bytes.count + YAMLLoader.maximumAliasBytes
    var stack: [Frame] = []
    var root: YAMLNode?
    var documents = 0
    var event = yaml_event_t()
    while true {
      guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
      defer { yaml_event_delete(&event) }
      let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
      let node: YAMLNode
      switch event.type {
      case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
        continue
      case YAML_DOCUMENT_START_EVENT:
        documents += 1
        guard documents == 1 else { return nil }
        continue
      case YAML_STREAM_END_EVENT:
        return root
      case YAML_ALIAS_EVENT:
        return nil
      case YAML_SCALAR_EVENT:
        nodes -= 1
        let scalar = event.data.scalar
        scalarBytes -= scalar.length
        guard nodes >= 0, scalarBytes >= 0 else { return nil }
        let text = UnsafeBufferPointer(start: scalar.value, count: scalar.length)
        let value = scalar.length == 0 ? "" : String(decoding: text, as: UTF8.self)
        let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
        let quoted = scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
        let length = plain || quoted ? Self.scalarCount(text) + (quoted ? 2 : 0) : 1
        let span = SourceSpan(file: file, line: line, column: column, length: length)
        // A key is kept as its text and place (what the mapping's pair holds), not as a node.
        if let top = stack.indices.last, stack[top].isMapping, stack[top].expectsKey {
          guard stack[top].newKey(value) else { return nil }
          stack[top].key = Located(value, at: span)
          stack[top].expectsKey = false
          continue
        }
        node = YAMLNode(kind: .scalar(value, plain: plain), span: span, contentOffset: plain ? 0 : quoted ? 1 : -1)
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        nodes -= 1
        guard nodes >= 0, stack.count < maximumDepth else { return nil }
        let isMapping = event.type == YAML_MAPPING_START_EVENT
        var capacity = 0
        if let top = stack.indices.last {
          // A list or mapping as a key: left to Yams (its key text is a description, not a name).
          if stack[top].isMapping, stack[top].expectsKey { return nil }
          capacity = isMapping ? stack[top].lastMappingCount : stack[top].lastListCount
        }
        stack.append(Frame(isMapping: isMapping, span: SourceSpan(file: file, line: line, column: column), capacity: capacity))
        continue
      case YAML_SEQUENCE_END_EVENT:
        let frame = stack.removeLast()
        if let top = stack.indices.last { stack[top].lastListCount = frame.items.count }
        node = YAMLNode(kind: .sequence(frame.items), span: frame.span)
      case YAML_MAPPING_END_EVENT:
        let frame = stack.removeLast()
        if let top = stack.indices.last { stack[top].lastMappingCount = frame.pairs.count }
        node = YAMLNode(kind: .mapping(frame.pairs), span: frame.span)
      default:
        return nil
      }
      if let top = stack.indices.last { stack[top].add(node) } else { root = node }
    }
  }
}
