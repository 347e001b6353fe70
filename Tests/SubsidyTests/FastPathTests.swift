import Foundation
import PolicyDSL
import PolicySupport
import PolicyValues
import SubsidyKit
import Testing

/// What the server's speed work must not change: YAML keys (duplicates found as before), line
/// numbers of sources, JSON text and PII masking written as bytes, and test files run from memory
/// as from a folder.
@Suite struct FastPathTests {
  static func load(_ text: String) -> (YAMLNode?, [Diagnostic]) {
    var d = DiagnosticBag()
    let node = YAMLLoader.load(SourceFile(path: "t.yaml", text: text), into: &d)
    return (node, d.sorted)
  }

  /// Keys are compared as Yams's default rules compare them: a quoted `"1"` and a plain `1` are two
  /// keys (an int and a string), and the same plain or quoted text twice is a duplicate.
  @Test func duplicateKeysAreFoundAsBefore() {
    for text in ["a: 1\nb: 2\na: 3\n", "x:\n  - {k: 1, k: 2}\n", "\"a\": 1\n\"a\": 2\n", "m: {\"q\": 1, q: 2}\n"] {
      let (node, diagnostics) = Self.load(text)
      #expect(node == nil, "\(text)")
      #expect(diagnostics.first?.code.rawValue == "duplicate-key", "\(text): \(diagnostics.map(\.message))")
    }
    for text in ["1: a\n\"1\": b\n", "true: a\n\"true\": b\n", "2024-01-01: a\n\"2024-01-01\": b\n", "null: x\n\"null\": y\n"] {
      let (node, diagnostics) = Self.load(text)
      #expect(node != nil && diagnostics.isEmpty, "\(text): \(diagnostics.map(\.message))")
      if case .mapping(let pairs)? = node?.kind { #expect(pairs.count == 2) }
    }
  }

  /// A mapping's keys are read by name: asking for `1` reads both `1` and `"1"`, and only keys never
  /// asked for are unknown.
  @Test func keysAreReadByName() throws {
    let (node, _) = Self.load("1: a\n\"1\": b\nother: c\n")
    var d = DiagnosticBag()
    let root = try #require(node)
    var reader = try #require(MappingReader(root, context: "test", into: &d))
    #expect(reader.optional("1")?.scalar == "a")
    #expect(reader.optional("missing") == nil)
    reader.finish(into: &d)
    #expect(d.sorted.map(\.code.rawValue) == ["unknown-key"])
    #expect(d.sorted.first?.message.contains("`other`") == true)
    #expect(d.sorted.first?.span?.start.line == 3)
  }

  /// The line a diagnostic quotes is the same however lines end (`\n`, `\r\n`, a lone `\r` inside a line).
  @Test func sourceLinesAreFoundByBytes() {
    let text = "一行\r\nzwei\nthree\rstill three\n\nlast é"
    let file = SourceFile(path: "t.yaml", text: text)
    let expected = ["一行", "zwei", "three\rstill three", "", "last é"]
    #expect(file.lineCount == expected.count)
    for (i, line) in expected.enumerated() {
      #expect(file.line(i + 1).map(String.init) == line, "line \(i + 1)")
    }
    #expect(file.line(6) == nil)
    #expect(SourceFile(path: "t", text: "a\n").lineCount == 2)
    #expect(SourceFile(path: "t", text: "").lineCount == 1)
  }

  @Test func jsonBytesAreTheTextAndEscapeWhatJSONNeeds() throws {
    let value = JSON.object([
      ("s", .string("引号\"反斜杠\\换行\n回车\r制表\t控制\u{1}\u{1F}末")), ("n", .number("12")), ("b", .bool(false)), ("z", .null),
      ("a", .array([.string("x"), .array([]), .object([])])), ("r", .raw("[1]")),
    ])
    let compact = value.serialized(pretty: false)
    #expect(compact == #"{"s":"引号\"反斜杠\\换行\n回车\r制表\t控制\u0001\u001f末","n":12,"b":false,"z":null,"a":["x",[],{}],"r":[1]}"#)
    #expect(value.utf8(pretty: false) == Array(compact.utf8))
    let parsed = try JSONSerialization.jsonObject(with: Data(value.serialized().utf8)) as? [String: Any]
    #expect(parsed?["s"] as? String == "引号\"反斜杠\\换行\n回车\r制表\t控制\u{1}\u{1F}末")
    let quoted = #""引号\"反斜杠\\换行\n回车\r制表\t控制\u0001\u001f末""#
    #expect(value.serialized() == "{\n  \"s\": \(quoted),\n  \"n\": 12,\n  \"b\": false,\n  \"z\": null,\n  \"a\": [\n    \"x\",\n    [],\n    {}\n  ],\n  \"r\": [1]\n}")
  }

  /// The escaper skips eight bytes at a time where none needs escaping: every byte that does, at every
  /// offset in and around a word, among ASCII and Chinese text, comes out as the byte-by-byte rule says.
  @Test func jsonEscapesEveryByteThatNeedsItWhereverItIs() {
    func reference(_ s: String) -> String {
      var out = "\""
      for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += "\\u00" + String(scalar.value >> 4, radix: 16) + String(scalar.value & 0xF, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
      }
      return out + "\""
    }
    let specials = (0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) } + ["\"", "\\"]
    for filler in ["abcdefghijklmnopqrstuvwxyz", "标准表没有一档的金额条款未规定", "é~ÿ!#[]{}`"] {
      for special in specials {
        for at in 0..<min(filler.count, 18) {
          var text = Array(filler)
          text.insert(special, at: at)
          let s = String(text)
          #expect(JSON.string(s).serialized() == reference(s), "\(s.debugDescription)")
        }
      }
      #expect(JSON.string(filler).serialized() == "\"\(filler)\"")
    }
  }

  /// The masker skips eight bytes at a time where none is a digit: an ID number at every offset in and
  /// around a word, among ASCII, Chinese and bytes either side of the digits, is masked all the same.
  @Test func maskingFindsAnIDNumberAtEveryOffset() {
    for filler in ["abcdefghijklmnopqr", "标准表没有一档的金额", "//::/:/:/:/:/:/:/:", "a-b |x| é"] {
      for number in ["533123199804010018", "53312319980401001X"] {
        for at in 0...filler.count {
          var text = Array(filler)
          text.insert(contentsOf: number, at: at)
          let masked = String(number.prefix(6)) + "********" + String(number.suffix(4))
          #expect(PIIMask.mask(String(text)) == String(text).replacingOccurrences(of: number, with: masked), "\(String(text))")
        }
      }
    }
  }

  @Test func maskingBytesInPlaceIsMaskingText() {
    for text in ["身份证 533123199001011236 与 53312319900101123X。", "12345678901234567890", "x53312319900101123xy", "no digits", ""] {
      var bytes = Array(text.utf8)
      let changed = PIIMask.mask(&bytes)
      #expect(String(decoding: bytes, as: UTF8.self) == PIIMask.mask(text))
      #expect(changed == (PIIMask.mask(text) != text))
    }
  }

  /// Test files handed over in memory (a draft's, by the server) give the report a folder of them gives.
  @Test func testFilesRunFromMemoryAsFromAFolder() throws {
    let program = try #require(shippedProgram)
    let folder = Paths.policies + "/tests"
    let fromFolder = TestRunner(program: program).run(directory: folder)
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
    let sources = try names.map { SourceFile(path: folder + "/" + $0, text: try String(contentsOfFile: folder + "/" + $0, encoding: .utf8)) }
    let fromMemory = TestRunner(program: program).run(sources: sources)
    #expect(fromMemory.json == fromFolder.json)
    #expect(fromMemory.passed == fromFolder.passed && fromMemory.passed > 100)
    #expect(fromFolder.ok)
    let empty = TestRunner(program: program).run(directory: Paths.temporaryDirectory().path)
    #expect(!empty.ok && empty.diagnostics.diagnostics.contains { $0.code.rawValue == "no-tests" })
  }
}
