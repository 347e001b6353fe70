import PolicyCheck
import PolicyEval
import PolicySupport
import PolicyValues
import Testing

/// The facts loader reads a record's keys once against the schema (`RecordLayout`) into buffers kept
/// from record to record: nothing of one record may show in the next, and a record's problems come in
/// the order, with the wording and the places, that reading it field by field through `MappingReader` gave.
@Suite struct FactsLoaderRecordTests {
  private func load(_ yaml: String) throws -> (Facts?, [Diagnostic], FactSchema) {
    let program = try #require(shippedProgram, "shipped policies must check")
    var d = DiagnosticBag()
    let facts = FactsLoader(schema: program.schema).load(SourceFile(path: "case.yaml", text: yaml), into: &d)
    return (facts, d.diagnostics, program.schema)
  }

  private func value(_ facts: Facts, _ schema: FactSchema, _ entity: String, _ id: String, _ field: String) throws -> Value {
    let kind = try #require(schema.entityIndex[entity])
    let slot = try #require(schema.entities[kind].slots[field])
    let record = try #require(facts.tables[kind].index[id], "no \(entity) `\(id)`")
    return facts.tables[kind][record: record, slot: slot]
  }

  @Test func nothingCarriesOverFromTheRecordBefore() throws {
    let yaml = """
      as_of: 2024-01-20
      households:
        - {id: H1, members: 5, labor_income: 38000, income_year: 2023}
        - {id: H2}
      people:
        - {id: P1, name: 排早干, hukou: "533123", household: H1, poverty_status: alleviated, relocated: true, evidence: [income_proof]}
        - {id: P2, hukou: "533102"}
        - {id: P3, hukou: "533123", household: H2, post_school_youth: true}
      """
    let (loaded, diagnostics, schema) = try load(yaml)
    let facts = try #require(loaded, "\(diagnostics.map(\.message))")
    #expect(try value(facts, schema, "household", "H2", "members") == .null)
    #expect(try value(facts, schema, "household", "H2", "labor_income") == .null)
    #expect(try value(facts, schema, "person", "P2", "name") == .null)
    #expect(try value(facts, schema, "person", "P2", "household") == .null)
    #expect(try value(facts, schema, "person", "P2", "evidence") == .null)
    // Defaults, not the values of P1.
    #expect(try value(facts, schema, "person", "P2", "relocated") == .bool(false))
    #expect(try value(facts, schema, "person", "P2", "post_school_youth") == .bool(false))
    let none = try #require(schema.enums["poverty_status"]?.cases.firstIndex(of: "none"))
    #expect(try value(facts, schema, "person", "P2", "poverty_status") == .enumCase(none))
    #expect(try value(facts, schema, "person", "P3", "post_school_youth") == .bool(true))
    // References resolve to the records they name.
    let households = try #require(schema.entityIndex["household"])
    #expect(try value(facts, schema, "person", "P1", "household") == .entity(kind: households, index: 0))
    #expect(try value(facts, schema, "person", "P3", "household") == .entity(kind: households, index: 1))
    #expect(try value(facts, schema, "person", "P1", "name") == .string("排早干"))
  }

  @Test func aRejectedRecordLeavesNothingBehind() throws {
    let yaml = """
      people:
        - {id: P1, hukou: "533123", relocated: maybe, name: 甲}
        - {id: P2, hukou: "533123"}
      """
    let (facts, diagnostics, _) = try load(yaml)
    #expect(facts == nil)
    #expect(diagnostics.map(\.code.rawValue) == ["invalid-value"])
    // The good record after the bad one still loads on its own.
    let (alone, _, schema) = try load("people:\n  - {id: P2, hukou: \"533123\"}\n")
    let good = try #require(alone)
    #expect(try value(good, schema, "person", "P2", "name") == .null)
  }

  /// Missing fields and bad values in schema order, then keys naming no field in the order written,
  /// each with its place and the nearest field's name.
  @Test func problemsInTheOrderAndPlacesOfBefore() throws {
    let yaml = """
      people:
        - {id: P1, relocatd: true, relocated: maybe, hukuo: "533123", 1: a, "1": b}
        - P2
      """
    let (facts, diagnostics, _) = try load(yaml)
    #expect(facts == nil)
    let seen = diagnostics.map { "\($0.code.rawValue)@\($0.span?.start.line ?? 0):\($0.span?.start.column ?? 0) \($0.message) | \($0.help ?? "")" }
    #expect(seen == [
      "missing-field@2:5 person has no `hukou`, which is required | ",
      "invalid-value@2:41 `person.relocated` must be true or false, found `maybe` | ",
      "unknown-key@2:14 unknown key `relocatd` in a person | did you mean `relocated`?",
      "unknown-key@2:48 unknown key `hukuo` in a person | did you mean `hukou`?",
      "unknown-key@2:65 unknown key `1` in a person | ",
      "unknown-key@2:71 unknown key `1` in a person | ",
      "expected-mapping@3:5 a person must be a mapping of keys to values, found `P2` | ",
    ])
  }
}
