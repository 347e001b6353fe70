import Foundation
import PolicyCheck
import PolicyDSL
import PolicySupport
import SubsidyKit
import Testing

/// docs/facts.md and docs/schema/*.json: generated from the fact schema and the parser's key tables,
/// committed, and current.
@Suite struct SchemaDocsTests {
  static func schema() throws -> FactSchema {
    try #require(PolicySetLoader.factSchema([Paths.policies]).schema, "the shipped fact schema must build")
  }

  @Test func committedFactsReferenceIsCurrent() throws {
    let committed = try String(contentsOf: Paths.root.appendingPathComponent("docs/facts.md"), encoding: .utf8)
    #expect(FactsMarkdown.render(try Self.schema()) == committed,
            "docs/facts.md is out of date: swift run subsidy schema --format markdown --out docs/facts.md")
  }

  @Test func committedJSONSchemasAreCurrent() throws {
    for (name, json) in EditorSchemas.all(try Self.schema()) {
      let committed = try String(contentsOf: Paths.root.appendingPathComponent("docs/schema/\(name)"), encoding: .utf8)
      #expect(json.serialized() + "\n" == committed, "docs/schema/\(name) is out of date: swift run subsidy schema --format json-schema --out docs/schema")
    }
  }

  /// The 红河 region's fields reach the batch CSV and are documented there, with the region named.
  @Test func regionColumnsAreDocumented() throws {
    let text = FactsMarkdown.render(try Self.schema())
    for column in ["advance_expenses", "village_cooperative_id", "village_cooperative_kind", "broker_id", "broker_kind", "organizer_agreed_share_per_worker"] {
      #expect(text.contains("| `\(column)` |"), "docs/facts.md lacks the CSV column `\(column)`")
    }
    #expect(text.contains("| `advance_expenses` | `dispatch.advance_expenses` | 劳务合作金垫支费用"))
    #expect(text.contains("| `registered_poor` | 建档立卡贫困劳动力 |"))
  }

  /// The policy schema's keys are the parser's table, and its word lists the syntax's own.
  @Test func policySchemaComesFromTheParsersTables() throws {
    let json = try JSONSerialization.jsonObject(with: Data(EditorSchemas.policy(try Self.schema()).serialized().utf8)) as? [String: Any]
    let definitions = try #require(json?["definitions"] as? [String: Any])
    let rule = try #require(definitions["rule"] as? [String: Any])
    let properties = try #require(rule["properties"] as? [String: Any])
    #expect(Set(properties.keys) == Set(PolicyKeys.rule.keys.filter { !$0.overlayOnly }.map(\.name)))
    let kind = try #require(properties["kind"] as? [String: Any])
    #expect(kind["enum"] as? [String] == Rule.Kind.allCases.map(\.rawValue))
    let override = try #require(definitions["rule-override"] as? [String: Any])
    #expect((override["properties"] as? [String: Any])?.keys.contains("remove") == true)
    #expect(override["required"] as? [String] == ["id"])
    let evidence = try #require(properties["evidence"] as? [String: Any])
    #expect("\(evidence)".contains("有组织劳务输出人员名单"), "evidence values carry their Chinese labels")
  }

  /// Every key the table lists is one the parser reads: a rule written with all of them (values of
  /// each key's shape) gives no `unknown-key`. (The other way round, a key the parser reads but the
  /// table lacks, stops a debug build in `MappingReader`.)
  @Test func everyKeyOfTheTableIsReadByTheParser() throws {
    var yaml = "id: probe\ntitle: t\njurisdiction: \"5325\"\n"
    for spec in PolicyKeys.policy.keys where !["id", "title", "jurisdiction", "extends"].contains(spec.name) {
      yaml += "\(spec.name):" + Self.sample(spec.shape, indent: 1)
    }
    var d = DiagnosticBag()
    let file = PolicyFile.parse(SourceFile(path: "probe.yaml", text: yaml), into: &d)
    #expect(file != nil)
    let unknown = d.diagnostics.filter { $0.code.rawValue == "unknown-key" }
    #expect(unknown.isEmpty, "\(unknown.map(\.message))\n\(yaml)")
    #expect(file?.rules.count == 1, "\(d.diagnostics.map(\.message))\n\(yaml)")
  }

  /// A YAML value of a shape, after `key:` (a leading space or a newline and an indented block).
  static func sample(_ shape: KeyShape, indent: Int) -> String {
    let pad = String(repeating: "  ", count: indent)
    switch shape {
    case .text: return " x\n"
    case .date: return " 2024-01-01\n"
    case .expression: return " \"true\"\n"
    case .choice(let words): return " \(words.first ?? "x")\n"
    case .vocabulary: return " income_proof\n"
    case .oneOrMany(let inner), .nullable(let inner): return sample(inner, indent: indent)
    case .list(let inner):
      if case .mapping(let set) = inner { return "\n\(pad)- " + mapping(set, indent: indent + 1).dropFirst(pad.count + 2) }
      return "\n\(pad)-" + sample(inner, indent: indent + 1)
    case .bool: return " true\n"
    case .dayOfMonth: return " 15\n"
    case .mapping(let set): return "\n" + mapping(set, indent: indent)
    case .names(let inner): return "\n\(pad)p1:" + sample(inner, indent: indent + 1)
    case .datedValues: return "\n\(pad)2024-01-01: 1\n"
    case .anyOf(let shapes): return shapes.last.map { sample($0, indent: indent) } ?? " x\n"
    case .facts: return " {}\n"
    }
  }

  static func mapping(_ set: KeySet, indent: Int) -> String {
    let pad = String(repeating: "  ", count: indent)
    return set.keys.filter { !$0.overlayOnly }
      .map { "\(pad)\($0.name):" + sample($0.shape, indent: indent + 1) }.joined()
  }

  @Test func schemaCommandWritesWhatIsCommitted() throws {
    let markdown = try runCLI(["schema", "--format", "markdown"])
    #expect(markdown.status == 0, "\(markdown.stderr)")
    #expect(markdown.stdout == (try String(contentsOf: Paths.root.appendingPathComponent("docs/facts.md"), encoding: .utf8)))
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let json = try runCLI(["schema", "--format", "json-schema", "--out", dir.path])
    #expect(json.status == 0, "\(json.stderr)")
    for name in ["policy", "tests", "facts"] {
      let written = try String(contentsOf: dir.appendingPathComponent("\(name).schema.json"), encoding: .utf8)
      #expect(written == (try String(contentsOf: Paths.root.appendingPathComponent("docs/schema/\(name).schema.json"), encoding: .utf8)))
    }
    let noOut = try runCLI(["schema", "--format", "json-schema"])
    #expect(noOut.status == 64)
    #expect(noOut.stderr.contains("--out DIRECTORY"))
  }
}
