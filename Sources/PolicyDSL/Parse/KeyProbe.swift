import PolicySupport

/// Which keys a parser reads, mapping by mapping: recorded while it parses a sample document.
///
/// `MappingReader(node, keys: …)` reports every key it is asked for (present or not) to the probe of
/// the current task, under its key set's name. Parsing a sample that has every mapping of the table
/// (`sample(_:)`) then gives the keys the parser really reads, including one it reads that
/// `PolicyKeys` does not list yet: the editors' JSON Schema takes the union, so a key added to the
/// parser appears in `docs/schema/` on the next `subsidy schema` (and CI says it is due).
public final class KeyProbe: @unchecked Sendable {
  // Unchecked: written only by the synchronous parse run inside `keysRead`, on its own thread.
  @TaskLocal static var current: KeyProbe?
  private var read: [String: [String]] = [:]

  func record(_ set: String, _ key: String) {
    if read[set]?.contains(key) != true { read[set, default: []].append(key) }
  }

  /// The keys `parse` reads in each key set (by set name), in the order it asks for them.
  public static func keysRead(_ parse: () -> Void) -> [String: [String]] {
    let probe = KeyProbe()
    $current.withValue(probe) { parse() }
    return probe.read
  }

  /// The keys the policy parser reads, by key set.
  public static let policyKeys: [String: [String]] = keysRead {
    var scratch = DiagnosticBag()
    _ = PolicyFile.parse(SourceFile(path: "probe.yaml", text: sample(PolicyKeys.policy)), into: &scratch)
  }

  /// A YAML document with every key of `set` and of the sets nested in it, each with a value of its
  /// shape (overlay-only keys left out), so that a parser walks every mapping.
  public static func sample(_ set: KeySet) -> String { mapping(set, indent: 0) }

  static func mapping(_ set: KeySet, indent: Int) -> String {
    let pad = String(repeating: "  ", count: indent)
    return set.keys.filter { !$0.overlayOnly }.map { "\(pad)\($0.name):" + value($0.shape, indent: indent + 1) }.joined()
  }

  /// A value of a shape, after `key:` (a space and a scalar, or a newline and an indented block).
  static func value(_ shape: KeyShape, indent: Int) -> String {
    let pad = String(repeating: "  ", count: indent)
    switch shape {
    case .text: return " x\n"
    case .date: return " 2024-01-01\n"
    case .expression: return " \"true\"\n"
    case .choice(let words): return " \(words.first ?? "x")\n"
    case .vocabulary: return " x\n"
    case .oneOrMany(let inner), .nullable(let inner): return value(inner, indent: indent)
    case .list(let inner):
      if case .mapping(let set) = inner { return "\n\(pad)- " + mapping(set, indent: indent + 1).dropFirst(pad.count + 2) }
      return "\n\(pad)-" + value(inner, indent: indent + 1)
    case .bool: return " true\n"
    case .dayOfMonth: return " 15\n"
    case .mapping(let set): return "\n" + mapping(set, indent: indent)
    case .names(let inner): return "\n\(pad)p1:" + value(inner, indent: indent + 1)
    case .datedValues: return "\n\(pad)2024-01-01: 1\n"
    case .anyOf(let shapes): return shapes.last.map { value($0, indent: indent) } ?? " x\n"
    case .facts: return " {}\n"
    }
  }
}
