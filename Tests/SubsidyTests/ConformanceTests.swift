import Foundation
import PolicyDSL
import PolicyEval
import PolicySupport
import SubsidyKit
import Testing

/// One folder of Tests/Conformance/cases: a broken policy or facts file and the diagnostics it must give.
///
/// - `policy.yaml` (with the shipped schema, or the folder's `schema.yaml`) is checked;
/// - otherwise a file named `facts.*` is loaded against the shipped policies;
/// - `expect.yaml` lists `diagnostics: [{code, at: "line:col", message: "substring"}]`.
struct ConformanceCase: CustomTestStringConvertible, Sendable {
  var name: String
  var folder: URL
  var testDescription: String { name }

  static var all: [ConformanceCase] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: Paths.conformance.path)) ?? []
    return names.sorted().map { ConformanceCase(name: $0, folder: Paths.conformance.appendingPathComponent($0)) }
  }
}

struct ExpectedDiagnostic {
  var code: String
  var at: String?
  var message: String?
}

@Suite struct ConformanceTests {
  @Test func thereAreAtLeastThirtyBrokenInputs() {
    #expect(ConformanceCase.all.count >= 30)
  }

  @Test(arguments: ConformanceCase.all)
  func brokenInputGivesItsDiagnostic(_ c: ConformanceCase) throws {
    let expected = try loadExpectations(c.folder.appendingPathComponent("expect.yaml"))
    #expect(!expected.isEmpty, "expect.yaml lists no diagnostics")
    let started = Date()
    let diagnostics = try diagnose(c)
    #expect(Date().timeIntervalSince(started) < 5, "took too long: a broken input must fail fast")
    #expect(diagnostics.contains { $0.severity == .error } || expected.allSatisfy { !$0.code.isEmpty },
            "expected errors, got none")
    for e in expected {
      let found = diagnostics.contains { d in
        d.code.rawValue == e.code
          && (e.at.map { at in d.span.map { "\($0.start.line):\($0.start.column)" } == at } ?? true)
          && (e.message.map { d.message.contains($0) } ?? true)
      }
      let got = diagnostics.map { "\($0.code)@\($0.span.map { "\($0.start)" } ?? "-"): \($0.message)" }.joined(separator: "\n  ")
      #expect(found, "missing \(e.code) at \(e.at ?? "any place"); got:\n  \(got)")
    }
  }

  /// Every diagnostic the case gives (also used by tests that check what is *not* reported).
  func diagnose(_ c: ConformanceCase) throws -> [Diagnostic] {
    let fm = FileManager.default
    let policy = c.folder.appendingPathComponent("policy.yaml")
    if fm.fileExists(atPath: policy.path) {
      let dir = Paths.temporaryDirectory()
      defer { try? fm.removeItem(at: dir) }
      let schema = c.folder.appendingPathComponent("schema.yaml")
      let schemaSource = fm.fileExists(atPath: schema.path) ? schema : URL(fileURLWithPath: Paths.policies).appendingPathComponent("facts.schema.yaml")
      try fm.copyItem(at: schemaSource, to: dir.appendingPathComponent("facts.schema.yaml"))
      try fm.copyItem(at: policy, to: dir.appendingPathComponent("policy.yaml"))
      return PolicySetLoader.check(dir.path).diagnostics.diagnostics
    }
    let names = try fm.contentsOfDirectory(atPath: c.folder.path)
    guard let factsName = names.first(where: { $0.hasPrefix("facts") }) else {
      Issue.record("case has neither policy.yaml nor facts.*")
      return []
    }
    let (program, outcome) = Subsidy.compile(Paths.policies)
    guard let program else {
      Issue.record("shipped policies do not check: \(outcome.diagnostics.diagnostics.map(\.message))")
      return []
    }
    var d = DiagnosticBag()
    let loaded = Subsidy.loadFacts(c.folder.appendingPathComponent(factsName).path, program: program, into: &d)
    #expect(loaded == nil, "broken facts loaded without error")
    return d.diagnostics
  }

  private func loadExpectations(_ url: URL) throws -> [ExpectedDiagnostic] {
    var d = DiagnosticBag()
    guard let text = try? String(contentsOf: url, encoding: .utf8),
      let root = YAMLLoader.load(SourceFile(path: url.path, text: text), into: &d),
      case .mapping(let pairs) = root.kind, let list = pairs.first(where: { $0.key.value == "diagnostics" })?.value,
      case .sequence(let items) = list.kind
    else { return [] }
    return items.compactMap { item in
      guard case .mapping(let fields) = item.kind else { return nil }
      func value(_ k: String) -> String? { fields.first { $0.key.value == k }?.value.scalar }
      return value("code").map { ExpectedDiagnostic(code: $0, at: value("at"), message: value("message")) }
    }
  }
}
