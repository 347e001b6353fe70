import CYaml
import PolicySupport

/// Finds an alias of a list or mapping used inside a mapping key (`? *list`, `*list : v`).
///
/// Yams checks every mapping's keys for duplicates by hashing them, and hashing walks an alias's
/// target as if it were written out: a key that is an alias of a "billion laughs" chain takes
/// hours inside `Yams.compose`, before `YAMLLoader`'s expansion budget can stop the walk (found by
/// the facts fuzz target). No policy or facts file needs such a key, so one is refused first, from
/// libyaml's events (no nodes are built).
enum AliasKeyCheck {
  /// The place of the first alias of a collection inside a mapping key, or nil (also when the text
  /// does not parse: `Yams.compose` then reports the syntax error).
  static func firstAliasInKey(_ text: String) -> (line: Int, column: Int)? {
    guard ByteSearch.contains(text, UInt8(ascii: "*")) else { return nil }
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return nil }
    defer { yaml_parser_delete(&parser) }
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { buffer -> (line: Int, column: Int)? in
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      /// An open list or mapping: whether it is (inside) a key, and for a mapping whether the next node is a key.
      struct Frame { var isMapping: Bool; var inKey: Bool; var expectKey: Bool }
      var stack: [Frame] = []
      var collectionAnchors = Set<String>()
      func startNode() -> Bool {  // whether the node starting now is (inside) a key; advances the parent
        guard var top = stack.last else { return false }
        let inKey = top.inKey || (top.isMapping && top.expectKey)
        if top.isMapping { top.expectKey.toggle(); stack[stack.count - 1] = top }
        return inKey
      }
      while true {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
        defer { yaml_event_delete(&event) }
        switch event.type {
        case YAML_STREAM_END_EVENT:
          return nil
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
          let isMapping = event.type == YAML_MAPPING_START_EVENT
          let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
          if let anchor { collectionAnchors.insert(String(cString: anchor)) }
          stack.append(Frame(isMapping: isMapping, inKey: startNode(), expectKey: true))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
          stack.removeLast()
        case YAML_SCALAR_EVENT:
          _ = startNode()
        case YAML_ALIAS_EVENT:
          let inKey = startNode()
          if inKey, let anchor = event.data.alias.anchor, collectionAnchors.contains(String(cString: anchor)) {
            return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
          }
        default:
          break
        }
      }
    }
  }
}
