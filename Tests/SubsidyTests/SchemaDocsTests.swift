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

  /// Every key the table lists is one the parser reads: a policy written with all of them (values
  /// of each key's shape) gives no `unknown-key`.
  @Test func everyKeyOfTheTableIsReadByTheParser() throws {
    var d = DiagnosticBag()
    // The sample writes `x` for text; a jurisdiction must be a division-code prefix.
    let yaml = KeyProbe.sample(PolicyKeys.policy).replacingOccurrences(of: "jurisdiction: x\n", with: "jurisdiction: \"5325\"\n")
    let file = PolicyFile.parse(SourceFile(path: "probe.yaml", text: yaml), into: &d)
    #expect(file != nil)
    let unknown = d.diagnostics.filter { $0.code.rawValue == "unknown-key" }
    #expect(unknown.isEmpty, "\(unknown.map(\.message))\n\(yaml)")
    #expect(file?.rules.count == 1, "\(d.diagnostics.map(\.message))\n\(yaml)")
  }

  /// And every key the parsers read is in the schemas: the probe sees each key a parser asks for,
  /// so a key added to a parser is allowed (and listed) before anyone describes it in the table.
  @Test func everyKeyTheParsersReadIsInTheSchemas() throws {
    let schema = try Self.schema()
    let probed = KeyProbe.policyKeys.merging(TestFile.parserKeys) { a, _ in a }
    #expect(Set(probed.keys) == Set((PolicyKeys.all + [TestFile.fileKeys, TestFile.caseKeys, TestFile.expectationKeys]).map(\.name)))
    #expect(probed["rule"]?.contains("amount") == true)
    for (name, json) in [("policy", EditorSchemas.policy(schema)), ("tests", EditorSchemas.tests(schema))] {
      let text = json.serialized()
      for (set, keys) in probed where !(name == "tests") == PolicyKeys.all.contains(where: { $0.name == set }) {
        for key in keys { #expect(text.contains("\"\(key)\": {"), "\(name) schema lacks `\(set).\(key)`") }
      }
    }
  }

  /// A key read through a table that does not list it is still recorded (what the lead's `dated:`
  /// does until its line is added).
  @Test func theProbeRecordsKeysTheTableDoesNotList() throws {
    let table = KeySet("probe-test", context: "probe", zh: "探针", en: "probe", [KeySpec("known", .text, zh: "已知", en: "known")])
    let keys = KeyProbe.keysRead {
      var d = DiagnosticBag()
      guard let node = YAMLLoader.load(SourceFile(path: "p.yaml", text: "known: 1\nnew_key: 2\n"), into: &d),
        var m = MappingReader(node, keys: table, into: &d)
      else { return }
      _ = m.optional("known")
      _ = m.optional("new_key")
      m.finish(into: &d)
    }
    #expect(keys["probe-test"] == ["known", "new_key"])
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
