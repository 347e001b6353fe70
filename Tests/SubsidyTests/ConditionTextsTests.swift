import Foundation
import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues
@testable import SubsidyKit
@testable import SubsidyReports
import Testing

/// The server says each condition once per policy set (`ConditionTexts`): the words must be the ones
/// said afresh for every document, whatever cases came before.
@Suite struct ConditionTextsTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let program: Program = {
    guard let program = Subsidy.compile([root.appendingPathComponent("policies").path]).program else { fatalError("the shipped policies fail check") }
    return program
  }()

  /// Every example and every officer case, as read and the date to judge on.
  static var cases: [(name: String, facts: YAMLNode, asOf: CivilDate?)] {
    var out: [(String, YAMLNode, CivilDate?)] = []
    let examples = root.appendingPathComponent("examples")
    for name in ((try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? []).sorted() where name.hasSuffix(".yaml") {
      var d = DiagnosticBag()
      if let text = try? String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8),
        let node = YAMLLoader.load(SourceFile(path: name, text: text), into: &d)
      {
        out.append((name, node, nil))
      }
    }
    let tests = root.appendingPathComponent("policies/tests")
    for name in ((try? FileManager.default.contentsOfDirectory(atPath: tests.path)) ?? []).sorted() where name.hasSuffix(".yaml") {
      guard let text = try? String(contentsOf: tests.appendingPathComponent(name), encoding: .utf8) else { continue }
      var d = DiagnosticBag()
      for c in TestFile.parse(SourceFile(path: name, text: text), into: &d)?.cases ?? [] {
        out.append(("\(name): \(c.name)", c.facts, c.asOf))
      }
    }
    return out
  }

  static func document(_ node: YAMLNode, asOf: CivilDate?, language: TextReport.Language, memo: ConditionTexts) -> String? {
    var d = DiagnosticBag()
    guard let facts = FactsLoader(schema: program.schema).load(node, asOf: asOf, into: &d),
      let date = asOf ?? facts.asOf
    else { return nil }
    let results = program.evaluate(facts, asOf: date)
    return ResultWords.document(asOf: date, results: results, program: program, facts: facts, redactor: PIIRedactor(program: program),
                                language: language, memo: memo)
  }

  /// One memo shared by every case in turn (as a server shares it between requests) gives each case
  /// the document a fresh memo gives it, in both languages.
  @Test func sharedWordsAreTheWordsSaidAfresh() {
    let cases = Self.cases
    #expect(cases.count >= 150)
    for language in TextReport.Language.allCases {
      let shared = ConditionTexts()
      var compared = 0
      for c in cases {
        guard let fresh = Self.document(c.facts, asOf: c.asOf, language: language, memo: ConditionTexts()) else { continue }
        let served = Self.document(c.facts, asOf: c.asOf, language: language, memo: shared)
        #expect(served == fresh, "\(c.name) (\(language))")
        compared += 1
      }
      #expect(compared >= 150)
    }
  }

  /// The key is the versions of the policy's parameters in force, not the date: two dates under the same
  /// versions share words, a date past a new version does not, and a date with a parameter not yet in
  /// force is keyed by the date itself (the words then name it).
  @Test func keyedByParameterVersions() throws {
    let program = Self.program
    // A rule whose policy has a parameter whose first version starts later than another's.
    var found: (rule: Int, first: CivilDate)?
    for rule in 0..<500 {
      guard let parameters = program.rule(at: rule)?.parameters, let start = parameters.compactMap({ $0.versions.first?.from }).max() else { continue }
      found = (rule, start)
      break
    }
    let (rule, start) = try #require(found)
    let memo = ConditionTexts()
    func key(_ date: CivilDate) -> ConditionTexts.Key? { memo.key(rule: rule, index: 0, language: .zh, date: date, program: program) }
    let later = try #require(start.addingDays(400)), laterStill = try #require(start.addingDays(800)), before = try #require(start.addingDays(-1))
    let earlier = try #require(start.addingDays(-2))
    #expect(key(later) == key(laterStill))
    #expect(key(later)?.date == nil)
    #expect(key(before) != key(later))
    #expect(key(before)?.date == before)
    #expect(key(earlier) != key(before))
    #expect(key(later)?.language == .zh && memo.key(rule: rule, index: 0, language: .en, date: later, program: program) != key(later))
  }

  /// Two dates of a rule share a key exactly when the same versions of its policy's parameters are in
  /// force on both (and, where some parameter has none in force, when they are the same date): for
  /// every rule, on the days around each version's start.
  @Test func periodsAreTheVersionsInForce() throws {
    let program = Self.program
    let memo = ConditionTexts()
    var rules = 0
    for rule in 0..<program.ruleNames.count {
      guard let parameters = program.rule(at: rule)?.parameters else { continue }
      rules += 1
      let starts = parameters.flatMap { $0.versions.map(\.from) }
      var dates: [CivilDate] = []
      for start in starts { for days in [-400, -1, 0, 1, 400] { if let d = start.addingDays(days) { dates.append(d) } } }
      if let d = CivilDate(year: 2024, month: 1, day: 20) { dates.append(d) }
      func versions(_ date: CivilDate) -> [Int] { parameters.map { p in p.versions.count(where: { $0.from <= date }) } }
      func unvalued(_ date: CivilDate) -> Bool {
        parameters.contains { p in
          let started = p.versions.count(where: { $0.from <= date })
          return started == 0 || p.versions[started - 1].value == nil
        }
      }
      for a in dates {
        for b in dates {
          let ka = memo.key(rule: rule, index: 0, language: .zh, date: a, program: program)
          let kb = memo.key(rule: rule, index: 0, language: .zh, date: b, program: program)
          let same = versions(a) == versions(b) && (unvalued(a) ? a == b : true)
          #expect((ka == kb) == same, "rule \(rule): \(a) \(b)")
          #expect(ka?.date == (unvalued(a) ? a : nil))
        }
      }
    }
    #expect(rules >= 20)
  }
}
