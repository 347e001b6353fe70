import Foundation
@testable import PolicyDSL
import PolicySupport
import Testing

/// `DirectComposer` builds the tree from libyaml's events without Yams: wherever it answers, its tree
/// must be the one the Yams path gives (every node, every span, every content offset), and wherever
/// Yams gives an error it must not answer.
@Suite struct DirectComposerTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// A node with every span written out, so two trees compare place by place.
  static func describe(_ node: YAMLNode) -> String {
    let at = "@\(node.span.start.line):\(node.span.start.column)+\(node.span.length)/\(node.contentOffset)"
    switch node.kind {
    case .scalar(let text, let plain): return "\(plain ? "plain" : "styled")(\(text.debugDescription))\(at)"
    case .sequence(let items): return "[" + items.map(describe).joined(separator: ", ") + "]\(at)"
    case .mapping(let pairs):
      let inner = pairs.map { "\($0.key.value.debugDescription)@\($0.key.span.start.line):\($0.key.span.start.column)+\($0.key.span.length): \(describe($0.value))" }
      return "{" + inner.joined(separator: ", ") + "}\(at)"
    }
  }

  /// Every YAML file of the repository: the examples, the policies, their tests and the conformance cases.
  static var files: [URL] {
    let folders = ["examples", "examples/variants", "policies", "policies/tests", "Tests/Conformance/cases"]
    var urls: [URL] = []
    for folder in folders {
      let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
      while let url = enumerator?.nextObject() as? URL {
        if url.pathExtension == "yaml" || url.pathExtension == "json" { urls.append(url) }
      }
    }
    return urls.sorted { $0.path < $1.path }
  }

  static let snippets: [String] = [
    "a: 1\nb: [x, 'y z', \"q\\u00e9\"]\nc: {d: e, f: }\n",
    "# comment\n---\nlist:\n  - plain text here\n  - 'single ''quoted'''\n  - \"double\\n\\tescaped\"\n...\n",
    "block: |\n  line one\n  line two\nfolded: >-\n  a\n  b\nafter: 3\n",
    "名称: 盈江县勐弄乡 \nids: [\"533123\", 533123, 5.0, true, null, ~, 2024-01-20]\n",
    "empty:\nnested:\n  - - a\n    - b\n  - {x: [1, {y: z}]}\n",
    "{\"json\": [1, 2, {\"k\": \"v\"}], \"s\": \"a\\\"b\"}\n",
    "anchored: &a 1\nplain: 2\n",
    "? explicit key\n: value\n",
    "tagged: !!str 12\nother: !custom x\n",
    "1: a\n\"1\": b\n",
    "'': empty key\n",
    "",
    "   \n",
    "just a scalar\n",
    "- a\n- b\n",
    "\u{FEFF}a: 1\n",
  ]

  /// The trees agree on every file of the repository and on the hand-written snippets.
  @Test func sameTreeAsYams() throws {
    var compared = 0
    var texts = Self.snippets.enumerated().map { ("snippet\($0.offset).yaml", $0.element) }
    // (A conformance case that is not UTF-8 on purpose never reaches the composer.)
    for url in Self.files { if let text = try? String(contentsOf: url, encoding: .utf8) { texts.append((url.path, text)) } }
    // A key that is an alias of a collection would hang Yams: `YAMLLoader` refuses it before either path.
    for (path, text) in texts where AliasKeyCheck.firstAliasInKey(text) == nil {
      var d = DiagnosticBag()
      let expected = YAMLLoader.throughYams(SourceFile(path: path, text: text), into: &d)
      guard let direct = DirectComposer.compose(text, file: path) else { continue }
      compared += 1
      let want = try #require(expected, "\(path): Yams refuses what the direct path accepts: \(d.sorted.map(\.message))")
      #expect(Self.describe(direct) == Self.describe(want), "\(path)")
    }
    #expect(compared >= 60, "only \(compared) documents were composed directly")
  }

  /// Whatever Yams refuses (or that needs its alias handling) is left to it: the direct path gives nil.
  @Test func leavesEverythingElseToYams() {
    let refused = [
      "a: 1\na: 2\n", "m: {k: 1, k: 2}\n", "1: a\n\"1\": b\n", "a: [1\n", "a:\n\t- b\n", "a: 1\n---\nb: 2\n",
      "x: &a {k: v}\ny: *a\n", "? [a, b]\n: c\n", "? {a: b}\n: c\n", "# only a comment\n", "",
      String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n",
    ]
    for text in refused {
      #expect(DirectComposer.compose(text, file: "t.yaml") == nil, "\(text.debugDescription)")
    }
    // Past 16 keys the duplicate check uses a set: still found.
    let many = (0..<40).map { "k\($0): \($0)" }.joined(separator: "\n") + "\nk7: again\n"
    #expect(DirectComposer.compose(many, file: "t.yaml") == nil)
    let distinct = (0..<40).map { "k\($0): \($0)" }.joined(separator: "\n") + "\n"
    #expect(DirectComposer.compose(distinct, file: "t.yaml") != nil)
  }

  /// The loader's answers do not change: an error keeps its code, line and column.
  @Test func errorsKeepTheirPlace() {
    let cases: [(String, String, Int, Int)] = [
      ("a: 1\nb:\n  c: 2\n  c: 3\n", "duplicate-key", 4, 3),
      ("a: [1\n", "yaml-syntax", 2, 1),
      ("a: 1\n---\nb: 2\n", "yaml-syntax", 2, 1),
    ]
    for (text, code, line, column) in cases {
      var d = DiagnosticBag()
      #expect(YAMLLoader.load(SourceFile(path: "t.yaml", text: text), into: &d) == nil)
      let first = d.sorted.first
      #expect(first?.code.rawValue == code, "\(text.debugDescription): \(d.sorted.map(\.message))")
      #expect(first?.span?.start.line == line && first?.span?.start.column == column,
              "\(text.debugDescription): \(String(describing: first?.span))")
    }
  }
}
