import PolicySupport
import Yams

/// Reads YAML (or JSON, which is YAML) text into `YAMLNode`s, turning every failure into a diagnostic.
public enum YAMLLoader {
  /// Parses `file`. Returns nil (with at least one error in `diagnostics`) when the text is not usable.
  ///
  /// Aliases are expanded by Yams as shared nodes; a "billion laughs" document would expand
  /// exponentially when walked, so the walk stops after a budget proportional to the text size:
  /// in nodes, and in bytes of scalar text (5,000 aliases of one 2 MB string are 10 GB).
  public static func load(_ file: SourceFile, into diagnostics: inout DiagnosticBag) -> YAMLNode? {
    let whole = SourceSpan(file: file.path, line: 1, column: 1)
    if ByteSearch.contains(file.text, 0) {
      diagnostics.add(.error("not-text", "file is binary, not YAML or JSON text", zh: "这是二进制文件，不是 YAML 或 JSON 文本", at: whole))
      return nil
    }
    if file.text.allSatisfy({ $0.isWhitespace }) {
      diagnostics.add(.error("empty-file", "file is empty", zh: "文件是空的", at: whole))
      return nil
    }
    if file.path.lowercased().hasSuffix(".json"), let problem = StrictJSON.problem(in: file.text) {
      let span = SourceSpan(file: file.path, line: problem.line, column: problem.column)
      diagnostics.add(.error("json-syntax", problem.message, zh: problem.messageZh, at: span, help: problem.help, helpZh: problem.helpZh))
      return nil
    }
    if let at = AliasKeyCheck.firstAliasInKey(file.text) {
      diagnostics.add(.error("yaml-expansion", "an alias of a list or mapping is used as a mapping key",
                             zh: "列表或映射的别名被用作映射的键",
                             at: SourceSpan(file: file.path, line: at.line, column: at.column),
                             help: "a key is a plain name: write it out instead of `*alias`", helpZh: "键是一个普通名称：请直接写出，不要用 `*别名`"))
      return nil
    }
    // The plain document (a facts file) is read without libyaml; the common one is built straight from
    // libyaml's events; anything else goes through Yams. Each gives the tree the next would.
    if let node = PlainYAMLReader.read(file.text, file: file.path) ?? DirectComposer.compose(file.text, file: file.path) { return node }
    return throughYams(file, into: &diagnostics)
  }

  /// `file` composed by Yams and copied into `YAMLNode`s, or its diagnostic: the answer for every
  /// document `DirectComposer` leaves (and, in its tests, the tree it must equal).
  static func throughYams(_ file: SourceFile, into diagnostics: inout DiagnosticBag) -> YAMLNode? {
    let whole = SourceSpan(file: file.path, line: 1, column: 1)
    let root: Node?
    do {
      root = try compose(file.text)
    } catch let error as YamlError {
      diagnostics.add(diagnostic(for: error, in: file))
      return nil
    } catch {
      diagnostics.add(.error("yaml-syntax", "cannot read YAML: \(error)", zh: "无法读取 YAML：`\(error)`", at: whole))
      return nil
    }
    guard let root else {
      diagnostics.add(.error("empty-file", "file has no YAML document", zh: "文件中没有 YAML 文档", at: whole))
      return nil
    }
    let size = file.text.utf8.count
    var budget = Budget(nodes: 20 * size + 10_000, bytes: size + maximumAliasBytes)
    guard let node = convert(root, file: file.path, site: whole, budget: &budget) else {
      if budget.bytes < 0 {
        diagnostics.add(.error("yaml-expansion", "aliases expand the document past \(size + maximumAliasBytes) bytes of text (the file's \(size) and \(maximumAliasBytes) more)",
                               zh: "别名展开后文档超过 \(size + maximumAliasBytes) 字节（文件本身 \(size) 字节，另加 \(maximumAliasBytes) 字节）",
                               at: budget.exhaustedAt ?? whole, help: "write the values out instead of repeating a large `*alias`",
                               helpZh: "请直接写出各个值，不要反复引用很大的 `*alias`"))
      } else {
        diagnostics.add(.error("yaml-expansion", "document expands to too many nodes (a chain of aliases?)", zh: "文档展开后节点过多（是不是有一串别名？）",
                               at: budget.exhaustedAt ?? whole,
                               help: "write the values out instead of nesting `*alias` references", helpZh: "请直接写出各个值，不要层层嵌套 `*alias` 引用"))
      }
      return nil
    }
    return node
  }

  /// `Yams.compose`, without resolving every plain scalar's tag by regular expression. Yams hashes
  /// each mapping's keys to find duplicates, and a key's hash includes its tag, which the default
  /// resolver works out by trying seven regular expressions: most of the time spent reading a case.
  /// Nothing here reads tags (a scalar is its text and whether it was quoted), so the text is first
  /// composed with no tag rules, where every key's tag is `str`. That can only find more duplicates
  /// than the default rules (`1` and `"1"` are then the same key), never fewer: when it finds one, the
  /// text is composed again with the default rules, whose answer (an error or a tree) is the one given.
  static func compose(_ text: String) throws -> Node? {
    do {
      return try Yams.compose(yaml: text, .basic)
    } catch YamlError.duplicatedKeysInMapping {
      return try Yams.compose(yaml: text)
    }
  }

  /// How many bytes of text aliases may add to a document beyond the file's own: the cap on what a
  /// repeated `*alias` of a large string can cost to walk, check and print.
  public static let maximumAliasBytes = 16 * 1024 * 1024

  /// What the walk may still produce; `exhaustedAt` is where it ran out (the key holding the alias).
  struct Budget {
    var nodes: Int
    var bytes: Int
    var exhaustedAt: SourceSpan?
  }

  private static func convert(_ node: Node, file: String, site: SourceSpan, budget: inout Budget) -> YAMLNode? {
    budget.nodes -= 1
    guard budget.nodes >= 0 else {
      if budget.exhaustedAt == nil { budget.exhaustedAt = site }
      return nil
    }
    let (line, column) = node.mark.map { ($0.line, $0.column) } ?? (1, 1)
    switch node {
    case .scalar(let scalar):
      budget.bytes -= scalar.string.utf8.count
      guard budget.bytes >= 0 else {
        if budget.exhaustedAt == nil { budget.exhaustedAt = site }
        return nil
      }
      let plain = scalar.style == .plain
      let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
      let length = scalar.string.unicodeScalars.count + (quoted ? 2 : 0)
      let span = SourceSpan(file: file, line: line, column: column, length: plain || quoted ? length : 1)
      // Inside a block scalar offsets do not map to one line: point at the scalar's start.
      return YAMLNode(kind: .scalar(scalar.string, plain: plain), span: span, contentOffset: plain ? 0 : quoted ? 1 : -1)
    case .mapping(let mapping):
      var pairs: [(key: Located<String>, value: YAMLNode)] = []
      for (key, value) in mapping {
        let keySite = key.mark.map { SourceSpan(file: file, line: $0.line, column: $0.column) } ?? site
        guard let k = convert(key, file: file, site: keySite, budget: &budget),
          let v = convert(value, file: file, site: keySite, budget: &budget)
        else { return nil }
        let keyText = k.scalar ?? k.describe
        pairs.append((Located(keyText, at: k.span), v))
      }
      return YAMLNode(kind: .mapping(pairs), span: SourceSpan(file: file, line: line, column: column))
    case .sequence(let sequence):
      var items: [YAMLNode] = []
      let here = SourceSpan(file: file, line: line, column: column)
      for item in sequence {
        guard let n = convert(item, file: file, site: site == SourceSpan(file: file, line: 1, column: 1) ? here : site, budget: &budget) else { return nil }
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
      var help: String?, helpZh: String?
      if problem.contains("tab") { (help, helpZh) = ("indent with spaces, not tabs", "请用空格缩进，不要用制表符（Tab）") }
      if problem.contains("undefined alias") { (help, helpZh) = ("define the anchor with `&name` before using `*name`", "使用 `*name` 之前先用 `&name` 定义锚点") }
      // Yams describes the problem in English; the Chinese says what kind of problem it is and
      // quotes Yams's words.
      return .error("yaml-syntax", "\(problem)\(extra)", zh: "YAML 格式错误：\(YAMLProblemZh.zh(problem))", at: at(mark), help: help, helpZh: helpZh)
    case .duplicatedKeysInMapping(let duplicates, let context):
      // Yams gives the first occurrence of the first duplicate (in sorted order); point at its repeat.
      let names = duplicates.map { "`\($0)`" }.joined(separator: ", ")
      var first = at(context.mark)
      first.length = max(1, duplicates.first?.unicodeScalars.count ?? 1)
      let repeated = duplicates.first.flatMap {
        DuplicateKeyFinder.repeatOf($0, firstLine: first.start.line, firstColumn: first.start.column, in: file)
      }
      return .error("duplicate-key", "duplicate key \(names) in one mapping", zh: "同一层中键 \(names) 重复", at: repeated ?? first,
                    help: "each key may appear once; merge the two entries", helpZh: "每个键只能出现一次；请把这两项合并",
                    notes: repeated == nil ? [] : [.init("first written here", zh: "第一次写在这里", at: first)])
    case .reader(let problem, let offset, _, _):
      let span = SourceSpan(file: file.path, line: 1, column: 1)
      return .error("not-text", "cannot read the file as UTF-8 text: \(problem)\(offset.map { " at byte \($0)" } ?? "")",
                    zh: "无法把文件读作 UTF-8 文本\(offset.map { "（第 \($0) 字节）" } ?? "")", at: span)
    default:
      return .error("yaml-syntax", "cannot read YAML: \(error)", zh: "无法读取 YAML：`\(error)`", at: SourceSpan(file: file.path, line: 1, column: 1))
    }
  }
}
