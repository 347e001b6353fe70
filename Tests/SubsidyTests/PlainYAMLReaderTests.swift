import Foundation
@testable import PolicyDSL
import PolicySupport
import Testing

/// `PlainYAMLReader` reads facts files without libyaml: wherever it answers, its tree must be the one
/// libyaml gives (through `DirectComposer`, itself held equal to Yams by `DirectComposerTests`), every
/// node, span and content offset; wherever libyaml refuses the text, or needs Yams, it must not answer.
@Suite struct PlainYAMLReaderTests {
  private static func same(_ text: String, _ path: String) -> (answered: Bool, problem: String?) {
    guard let plain = PlainYAMLReader.read(text, file: path) else { return (false, nil) }
    guard let direct = DirectComposer.compose(text, file: path) else {
      return (true, "\(path): read a text libyaml refuses or leaves to Yams: \(text.debugDescription)")
    }
    let (a, b) = (DirectComposerTests.describe(plain), DirectComposerTests.describe(direct))
    return (true, a == b ? nil : "\(path): \(text.debugDescription)\nplain:  \(a)\nlibyaml: \(b)")
  }

  /// Every file of the repository and the composer's snippets: the same trees, and the examples'
  /// facts files are read (or the speed-up is lost without a word).
  @Test func sameTreeAsLibyaml() throws {
    var answered: [String] = []
    var texts = DirectComposerTests.snippets.enumerated().map { ("snippet\($0.offset).yaml", $0.element) }
    for url in DirectComposerTests.files { if let text = try? String(contentsOf: url, encoding: .utf8) { texts.append((url.path, text)) } }
    for (path, text) in texts {
      let (read, problem) = Self.same(text, path)
      #expect(problem == nil, "\(problem ?? "")")
      if read { answered.append(path) }
    }
    #expect(answered.contains { $0.hasSuffix("examples/yingjiang.yaml") }, "examples/yingjiang.yaml is not read: \(answered)")
    #expect(answered.count >= 40, "only \(answered.count) documents were read")
  }

  /// The forms of a facts file, one by one.
  @Test func readsTheFormsOfAFactsFile() {
    let texts = [
      "a: 1\nb: [x, \"y z\", 2024-01-20]\nc: {d: e, f: 名称}\n",
      "# c\nlist:\n  - plain text here  # after\n  - \"quoted\"\n  -\n    k: v\n",
      "top:\n- a\n- b\nnext: 1\n",
      "people:\n  - {id: P1, name: 排早干（甲）, hukou: \"533123\",\n     evidence: [a, b]}\n  - id: P2\n    x: y\n",
      "{\"json\": [1, 2, {\"k\": \"v\"}], \"s\": \"t\"}\n",
      "  indented: root\n  second: 2\n",
      "a:\n  b:\n    c: [ ]\n    d: {}\n",
      "a: x,y[z]{w}\n",
    ]
    for text in texts {
      let (read, problem) = Self.same(text, "t.yaml")
      #expect(read, "\(text.debugDescription) is not read")
      #expect(problem == nil, "\(problem ?? "")")
    }
  }

  /// What it does not read, it leaves: the forms libyaml reads some other way or refuses.
  @Test func leavesTheRest() {
    let texts = [
      "a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: !t 1\n", "a: |\n  x\n", "a: 'q'\n", "a: \"\\n\"\n", "? a\n: b\n",
      "---\na: 1\n", "a: 1\n...\n", "%YAML 1.1\n---\na: 1\n", "a:\n", "a: b\n  c\n", "a: {b: c\n  d}\n",
      "a:\tb\n", "a: b\r\n", "\u{FEFF}a: 1\n", "a: \u{1F600}\n", "a: 10:30\n", "a: [b, ]\n", "a: {b}\n", "- - a\n",
      "a: -1\n", "a: b: c\n", "a: [b: c]\n", "a: {b: c}: d\n", "", "# only\n", "a: x\u{2028}y\n",
    ]
    for text in texts + ["m: {k: 1, j: 2, k: 3}\n", "- {\"k\": 1, k: 2}\n"] {
      #expect(PlainYAMLReader.read(text, file: "t.yaml") == nil, "\(text.debugDescription)")
    }
    // Past 64 keys a mapping is left to the composer, which still reads it.
    let many = (0..<65).map { "k\($0): \($0)" }.joined(separator: "\n") + "\n"
    #expect(PlainYAMLReader.read(many, file: "t.yaml") == nil)
    #expect(PlainYAMLReader.read((0..<64).map { "k\($0): \($0)" }.joined(separator: "\n") + "\n", file: "t.yaml") != nil)
    var d = DiagnosticBag()
    #expect(YAMLLoader.load(SourceFile(path: "t.yaml", text: many), into: &d) != nil)
  }

  /// Mutations of the facts examples: a character inserted or removed, a line indented more or less.
  /// Whatever the reader still reads must be what libyaml reads.
  @Test func mutationsAgreeWithLibyaml() throws {
    let root = DirectComposerTests.root
    var answered = 0, problems: [String] = []
    let inserts = [" ", "\n", ":", ": ", "#", " #", "-", "- ", "{", "}", "[", "]", ",", "\"", "'", "?", "&", "*", "!", "|", ">",
                   "  ", "\n  ", "x", "甲", "...", "---", "%", "@", "\\", "\u{2028}", "\t", ":x"]
    for name in ["examples/yingjiang.yaml", "examples/honghe.yaml", "examples/sandu.yaml"] {
      guard let text = try? String(contentsOf: root.appendingPathComponent(name), encoding: .utf8) else { continue }
      let scalars = Array(text.unicodeScalars)
      func variant(_ edit: (inout [Unicode.Scalar]) -> Void) {
        var copy = scalars
        edit(&copy)
        var s = String.UnicodeScalarView()
        s.append(contentsOf: copy)
        let (read, problem) = Self.same(String(s), name)
        if read { answered += 1 }
        if let problem, problems.count < 5 { problems.append(problem) }
      }
      for at in stride(from: 0, to: scalars.count, by: 3) {
        variant { $0.remove(at: at) }
        let insert = inserts[(at / 3) % inserts.count]
        variant { $0.insert(contentsOf: insert.unicodeScalars, at: at) }
        let other = inserts[(at / 3 + 11) % inserts.count]
        variant { $0.insert(contentsOf: other.unicodeScalars, at: at) }
      }
      // Each line indented one more and one less.
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      for k in lines.indices {
        for change in [" ", ""] {
          var edited = lines
          edited[k] = change.isEmpty ? (edited[k].first == " " ? edited[k].dropFirst() : edited[k]) : Substring(change + edited[k])
          let (read, problem) = Self.same(edited.joined(separator: "\n"), name)
          if read { answered += 1 }
          if let problem, problems.count < 5 { problems.append(problem) }
        }
      }
    }
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n\n"))")
    #expect(answered > 1000, "only \(answered) variants were read")
  }

  /// The loader's answer is the same whichever path reads the text.
  @Test func loaderGivesTheSameTree() throws {
    let root = DirectComposerTests.root
    let text = try String(contentsOf: root.appendingPathComponent("examples/yingjiang.yaml"), encoding: .utf8)
    var d = DiagnosticBag()
    let loaded = try #require(YAMLLoader.load(SourceFile(path: "request.yaml", text: text), into: &d))
    let yams = try #require(YAMLLoader.throughYams(SourceFile(path: "request.yaml", text: text), into: &d))
    #expect(DirectComposerTests.describe(loaded) == DirectComposerTests.describe(yams))
  }
}
