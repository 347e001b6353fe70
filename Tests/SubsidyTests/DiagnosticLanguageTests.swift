import Foundation
import PolicySupport
import Testing

/// Diagnostics speak Chinese by default (`--lang en` for English): every constructor gives both
/// texts, the renderer picks one, JSON keeps the English `message` and adds `message_zh`.
@Suite struct DiagnosticLanguageTests {
  /// Words allowed outside backticks in a Chinese diagnostic: names of formats and programs.
  static let allowedWords: Set<String> = ["YAML", "JSON", "UTF", "CSV", "GBK", "Excel", "Windows", "Tab", "ASCII"]

  /// The English words left in a rendered Chinese diagnostic, once user text and keys in backticks,
  /// the `file:line:column` and the `[code]` are taken out.
  static func englishWords(in text: String) -> [String] {
    var rest = text.replacing(#/`[^`\n]*`/#, with: "")
    rest = rest.replacing(#/^[^\n]*?:\d+:\d+: /#.anchorsMatchLineEndings(), with: "")
    rest = rest.replacing(#/\[[a-z0-9-]+\]/#, with: "")
    rest = rest.replacing(#/（[^（）\n]*:\d+:\d+）/#, with: "")  // a note's place
    return rest.matches(of: #/[A-Za-z]{2,}/#).map { String($0.output) }.filter { !allowedWords.contains($0) }
  }

  @Test(arguments: ConformanceCase.all)
  func everyDiagnosticOfTheCorpusIsInChinese(_ c: ConformanceCase) throws {
    let diagnostics = try ConformanceTests().diagnose(c)
    #expect(!diagnostics.isEmpty)
    for d in diagnostics {
      #expect(d.messageZh != nil, "\(d.code): no Chinese for `\(d.message)`")
      #expect(d.help == nil || d.helpZh != nil, "\(d.code): no Chinese for the help `\(d.help ?? "")`")
      #expect(d.notes.allSatisfy { $0.messageZh != nil }, "\(d.code): a note has no Chinese")
      let rendered = DiagnosticRenderer(format: .plain, language: .zh).render([d])
      let english = Self.englishWords(in: rendered)
      #expect(english.isEmpty, "English \(english) in:\n\(rendered)")
    }
  }

  @Test func theScanFindsEnglish() {
    #expect(Self.englishWords(in: "p.yaml:1:2: 错误[unknown-field]: 未知的事实字段 `dispatch.x`\n") == [])
    #expect(Self.englishWords(in: "p.yaml:1:2: 错误[unknown-field]: unknown fact field `dispatch.x`\n") == ["unknown", "fact", "field"])
    #expect(Self.englishWords(in: "   注：第一次写在这里（p.yaml:3:5）\n") == [])
  }

  private let sample = Diagnostic(
    .error, "unknown-field", "unknown fact field `x`", zh: "未知的事实字段 `x`", at: SourceSpan(file: "p.yaml", line: 2, column: 3),
    help: "did you mean `y`?", helpZh: "是否应为 `y`？", notes: [.init("first used here", zh: "第一次用在这里", at: SourceSpan(file: "p.yaml", line: 1, column: 1))],
    clause: "七（二）")

  @Test func chineseByDefaultEnglishOnRequest() {
    let zh = DiagnosticRenderer(format: .plain).render([sample])
    #expect(zh == "p.yaml:2:3: 错误[unknown-field]: 未知的事实字段 `x`\n   = 条款：七（二）\n   提示：是否应为 `y`？\n   注：第一次用在这里（p.yaml:1:1）\n")
    let en = DiagnosticRenderer(format: .plain, language: .en).render([sample])
    #expect(en == "p.yaml:2:3: error[unknown-field]: unknown fact field `x`\n   = clause: 七（二）\n   help: did you mean `y`?\n   note: first used here (p.yaml:1:1)\n")
  }

  @Test func jsonKeepsTheEnglishMessageAndAddsTheChinese() throws {
    let text = DiagnosticRenderer(format: .json).render([sample])
    let list = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    #expect(list.first?["code"] as? String == "unknown-field")
    #expect(list.first?["message"] as? String == "unknown fact field `x`")
    #expect(list.first?["message_zh"] as? String == "未知的事实字段 `x`")
    #expect(list.first?["help"] as? String == "did you mean `y`?")
    #expect(list.first?["help_zh"] as? String == "是否应为 `y`？")
    let note = try #require((list.first?["notes"] as? [[String: Any]])?.first)
    #expect(note["message_zh"] as? String == "第一次用在这里")
    // And it reads back.
    let decoded = try JSONDecoder().decode([Diagnostic].self, from: Data(text.utf8))
    #expect(decoded == [sample])
  }

  @Test func summaryLine() {
    #expect(DiagnosticRenderer().summary(policies: 5, rules: 31, errors: 0, warnings: 1, dropped: 0) == "已检查 5 个政策（31 条规则）：0 个错误，1 个警告")
    #expect(DiagnosticRenderer(language: .en).summary(policies: 5, rules: 31, errors: 0, warnings: 1, dropped: 0) == "checked 5 policies (31 rules): 0 errors, 1 warning")
  }

  /// The constructors need `zh:` (the compiler sees to that); a `help:` needs its `helpZh:`, which
  /// only a reading of the sources can see. Every `.error(`, `.warning(` and `Diagnostic(.` call
  /// that passes `help:` also passes `helpZh:`.
  @Test func everyHelpInTheSourcesHasItsChinese() throws {
    let sources = Paths.root.appendingPathComponent("Sources")
    let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
      .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    var calls = 0, missing: [String] = []
    for file in files {
      let source = try String(contentsOf: file, encoding: .utf8)
      for opening in source.ranges(of: #/\.error\(|\.warning\(|Diagnostic\(\./#) {
        // The call's text up to its closing parenthesis.
        var depth = 0, end = opening.lowerBound
        var index = source.index(before: opening.upperBound)
        while index < source.endIndex {
          if source[index] == "(" { depth += 1 }
          if source[index] == ")" { depth -= 1; if depth == 0 { end = index; break } }
          index = source.index(after: index)
        }
        let call = String(source[opening.lowerBound..<end])
        guard call.contains("at:") else { continue }  // not a constructor (`case .error(let e)`)
        calls += 1
        if call.contains("help:"), !call.contains("helpZh:") {
          missing.append("\(file.lastPathComponent): \(call.prefix(120))")
        }
      }
    }
    #expect(calls >= 140, "found only \(calls) constructor calls")
    #expect(missing.isEmpty, "help without helpZh:\n\(missing.joined(separator: "\n"))")
  }

  @Test func checkSpeaksChineseByDefaultAndEnglishWithLangEn() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.copyItem(atPath: Paths.policies + "/facts.schema.yaml", toPath: dir.appendingPathComponent("facts.schema.yaml").path)
    try FileManager.default.copyItem(
      at: Paths.conformance.appendingPathComponent("table-by-unknown-enum/policy.yaml"), to: dir.appendingPathComponent("demo.yaml"))
    let zh = try runCLI(["check", dir.path])
    #expect(zh.status == 2)
    #expect(zh.stderr.contains("错误[unknown-enum]: 参数 `"))
    #expect(zh.stderr.contains("已检查 1 个政策"))
    #expect(Self.englishWords(in: zh.stderr.split(separator: "\n").filter { !$0.contains(" | ") }.joined(separator: "\n")).isEmpty, "\(zh.stderr)")
    let en = try runCLI(["check", dir.path, "--lang", "en"])
    #expect(en.status == 2)
    #expect(en.stderr.contains("error[unknown-enum]: parameter `"))
    #expect(en.stderr.contains("checked 1 policy"))
    let json = try runCLI(["check", dir.path, "--format", "json"])
    #expect(json.stdout.contains("\"message\" : \"parameter `"))
    #expect(json.stdout.contains("\"message_zh\" : \"参数 `"))
  }

  @Test func batchHeaderErrorsFollowLang() throws {
    let dir = Paths.sandbox()
    defer { try? FileManager.default.removeItem(at: dir) }
    try "person_id,huku\n1,2\n".write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
    let zh = try runCLI(["batch", "x.csv", "--as-of", "2024-06-30"], in: dir)
    #expect(zh.status != 0)
    #expect(zh.stderr.contains("x.csv:1:1: 错误[missing-column]: 表头缺少每行都必须有的 `dispatch_id` 列"), "\(zh.stderr)")
    #expect(zh.stderr.contains("警告[unused-column]: 列 `huku`（第 2 列）不是事实字段，已忽略"))
    let en = try runCLI(["batch", "x.csv", "--as-of", "2024-06-30", "--lang", "en"], in: dir)
    #expect(en.stderr.contains("x.csv:1:1: error[missing-column]: the header has no `dispatch_id` column"), "\(en.stderr)")
  }

  @Test func evalFactsErrorsFollowLang() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let facts = Paths.conformance.appendingPathComponent("unknown-enum-value-in-facts")
    let name = try #require(try FileManager.default.contentsOfDirectory(atPath: facts.path).first { $0.hasPrefix("facts") })
    let zh = try runCLI(["eval", facts.appendingPathComponent(name).path])
    #expect(zh.status != 0)
    #expect(zh.stderr.contains("错误[unknown-enum-value]"), "\(zh.stderr)")
    #expect(zh.stderr.contains("的可选值"))
    let en = try runCLI(["eval", facts.appendingPathComponent(name).path, "--lang", "en"])
    #expect(en.stderr.contains("error[unknown-enum-value]"))
    #expect(en.stderr.contains("is not a value of"))
  }
}

@Suite struct ChinesePhraseTests {
  @Test func phrasesOfTheChecks() {
    #expect(ChinesePhrase.zh("the first argument of `within`") == "`within` 的第一个参数")
    #expect(ChinesePhrase.zh("`values` of `rate`") == "`rate` 的 `values`")
    #expect(ChinesePhrase.zh("values of enum `scope`") == "枚举 `scope` 的取值")
    #expect(ChinesePhrase.zh("each side of `and`") == "`and` 的两边")
    #expect(ChinesePhrase.zh("the argument of `year` (a year)") == "`year` 的参数（年份）")
    #expect(ChinesePhrase.zh("parameter `rate`") == "参数 `rate`")
    #expect(ChinesePhrase.zh("a person") == "`person` 记录")
    #expect(ChinesePhrase.zh("`clause`") == "`clause`")
    #expect(ChinesePhrase.zh("policy file") == "政策文件")
    #expect(ChinesePhrase.zh("to close the arguments of `scope`") == "`scope` 的参数结尾处")
  }

  /// Every phrase the parsers and checks pass as `context:` or `what:` (as they are written in the
  /// sources, with sample names) comes out with no English outside backticks.
  @Test(arguments: [
    "`amount`", "`values` of `rate`", "`checks` of `dispatch`", "a person", "a check", "entity `person`", "enum `scope`",
    "expected result", "facts file", "field `hukou`", "fields of `person`", "parameter `rate`", "parameter", "policy file",
    "rule", "schema file", "table", "test case", "test file", "values of enum `scope`", "a parameter value", "a table value",
    "rule `id`", "the limit's beneficiary", "the amount", "the limit's payee", "the event date", "payee", "beneficiary",
    "a condition", "each side of `and`", "the year of `date`", "the month of `date`", "the day of `date`",
    "the argument of `count_distinct`", "the argument of `start_of_year` (a year)", "the argument of `year`",
    "the condition of `if`", "the default `dated` of `dispatch`", "the first argument of `scope` (home)",
    "the first argument of `within`", "the key of `rate`", "the left side of `in`", "the operand of `-`", "the operand of `not`",
    "the second argument of `scope` (destination)", "payment", "entitlement", "advance", "qualification", "obligation",
    "a list", "a single value", "after the condition of `if`", "in `if … then … else …`", "to close the table lookup",
    "to close the list", "to close `(`", "to close the arguments of `scope`",
  ])
  func everyPhraseOfTheChecksIsChinese(_ phrase: String) {
    let zh = ChinesePhrase.zh(phrase)
    #expect(DiagnosticLanguageTests.englishWords(in: zh).isEmpty, "\(phrase) → \(zh)")
  }

  @Test func tidyDropsSpacesBetweenChineseOnly() {
    #expect(ChinesePhrase.tidy("实际为 列表") == "实际为列表")
    #expect(ChinesePhrase.tidy("实际为 `x` 的值") == "实际为 `x` 的值")
    #expect(ChinesePhrase.tidy("有 5 位") == "有 5 位")
  }
}
