import PolicySupport
import Yams

/// Reads YAML (or JSON, which is YAML) text into `YAMLNode`s, turning every failure into a diagnostic.
public enum YAMLLoader {
  /// Parses `file`. Returns nil (with at least one error in `diagnostics`) when the text is not usable.
  ///
  /// Aliases are expanded by Yams as shared nodes; a "billion laughs" document would expand
  /// exponentially when walked, so the walk stops after a budget proportional to the text size.
  public static func load(_ file: SourceFile, into diagnostics: inout DiagnosticBag) -> YAMLNode? {
    let whole = SourceSpan(file: file.path, line: 1, column: 1)
    if file.text.unicodeScalars.contains(where: { $0 == "\0" }) {
      diagnostics.add(.error("not-text", "file is binary, not YAML or JSON text", at: whole))
      return nil
    }
    if file.text.allSatisfy({ $0.isWhitespace }) {
      diagnostics.add(.error("empty-file", "file is empty", at: whole))
      return nil
    }
    if file.path.lowercased().hasSuffix(".json"), let problem = StrictJSON.problem(in: file.text) {
      let span = SourceSpan(file: file.path, line: problem.line, column: problem.column)
      diagnostics.add(.error("json-syntax", problem.message, at: span, help: problem.help))
      return nil
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: file.text)
    } catch let error as YamlError {
      diagnostics.add(diagnostic(for: error, in: file))
      return nil
    } catch {
      diagnostics.add(.error("yaml-syntax", "cannot read YAML: \(error)", at: whole))
      return nil
    }
    guard let root else {
      diagnostics.add(.error("empty-file", "file has no YAML document", at: whole))
      return nil
    }
    var budget = 20 * file.text.utf8.count + 10_000
    guard let node = convert(root, file: file.path, budget: &budget) else {
      diagnostics.add(.error("yaml-expansion", "document expands to too many nodes (a chain of aliases?)", at: whole,
                             help: "write the values out instead of nesting `*alias` references"))
      return nil
    }
    return node
  }

  private static func convert(_ node: Node, file: String, budget: inout Int) -> YAMLNode? {
    budget -= 1
    guard budget >= 0 else { return nil }
    let (line, column) = node.mark.map { ($0.line, $0.column) } ?? (1, 1)
    switch node {
    case .scalar(let scalar):
      let plain = scalar.style == .plain
      let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
      let length = scalar.string.unicodeScalars.count + (quoted ? 2 : 0)
      let span = SourceSpan(file: file, line: line, column: column, length: plain || quoted ? length : 1)
      // Inside a block scalar offsets do not map to one line: point at the scalar's start.
      return YAMLNode(kind: .scalar(scalar.string, plain: plain), span: span, contentOffset: plain ? 0 : quoted ? 1 : -1)
    case .mapping(let mapping):
      var pairs: [(key: Located<String>, value: YAMLNode)] = []
      for (key, value) in mapping {
        guard let k = convert(key, file: file, budget: &budget), let v = convert(value, file: file, budget: &budget) else { return nil }
        let keyText = k.scalar ?? k.describe
        pairs.append((Located(keyText, at: k.span), v))
      }
      return YAMLNode(kind: .mapping(pairs), span: SourceSpan(file: file, line: line, column: column))
    case .sequence(let sequence):
      var items: [YAMLNode] = []
      for item in sequence {
        guard let n = convert(item, file: file, budget: &budget) else { return nil }
        items.append(n)
      }
      return YAMLNode(kind: .sequence(items), span: SourceSpan(file: file, line: line, column: column))
    case .alias:
      return nil
    }
  }

  private static func diagnostic(for error: YamlError, in file: SourceFile) -> Diagnostic {
    func at(_ mark: Mark) -> SourceSpan { SourceSpan(file: file.path, line: max(1, mark.line), column: max(1, mark.column)) }
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let extra = context.map { " \($0.text)" } ?? ""
      var help: String?
      if problem.contains("tab") { help = "indent with spaces, not tabs" }
      if problem.contains("undefined alias") { help = "define the anchor with `&name` before using `*name`" }
      return .error("yaml-syntax", "\(problem)\(extra)", at: at(mark), help: help)
    case .duplicatedKeysInMapping(let duplicates, let context):
      // Yams gives the first occurrence of the first duplicate (in sorted order); point at its repeat.
      let names = duplicates.map { "`\($0)`" }.joined(separator: ", ")
      var first = at(context.mark)
      first.length = max(1, duplicates.first?.unicodeScalars.count ?? 1)
      let repeated = duplicates.first.flatMap {
        DuplicateKeyFinder.repeatOf($0, firstLine: first.start.line, firstColumn: first.start.column, in: file)
      }
      return .error("duplicate-key", "duplicate key \(names) in one mapping", at: repeated ?? first,
                    help: "each key may appear once; merge the two entries",
                    notes: repeated == nil ? [] : [.init("first written here", at: first)])
    case .reader(let problem, let offset, _, _):
      let span = SourceSpan(file: file.path, line: 1, column: 1)
      return .error("not-text", "cannot read the file as UTF-8 text: \(problem)\(offset.map { " at byte \($0)" } ?? "")", at: span)
    default:
      return .error("yaml-syntax", "cannot read YAML: \(error)", at: SourceSpan(file: file.path, line: 1, column: 1))
    }
  }
}
