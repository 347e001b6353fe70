import Foundation
@testable import PolicyCheck
import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
import Testing

/// One decoder for every reader: a value means the same in YAML facts, JSON, JSON Lines and CSV.
/// Before, CSV accepted `TRUE` and YAML refused it; each format had its own copy of the rules.
@Suite struct FieldDecoderTests {
  static let schema: FactSchema = {
    let (program, _) = Subsidy.compile(Paths.policies)
    return program!.schema
  }()

  static func decode(_ text: String, _ type: FieldType) -> FieldDecoder.Outcome {
    FieldDecoder(schema: schema).decode(text, FieldDecoder(schema: schema).spec(type: type))
  }

  @Test(arguments: ["true", "True", "TRUE"]) func booleanSpellingsOfYAMLCoreAreTrue(_ s: String) {
    guard case .value(.bool(true)) = Self.decode(s, .bool) else { Issue.record("\(s) is not true"); return }
  }

  @Test(arguments: ["tRuE", "yes", "1", "on"]) func otherSpellingsAreRefused(_ s: String) {
    guard case .bad(let p) = Self.decode(s, .bool) else { Issue.record("\(s) accepted"); return }
    #expect(p.message.contains("true or false"))
  }

  @Test func yamlAndCSVAgreeOnEveryValue() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // (column in the CSV, key in YAML, value, accepted?)
    let cases: [(String, String, String, Bool)] = [
      ("organized", "organized", "TRUE", true), ("organized", "organized", "False", true), ("organized", "organized", "tRuE", false),
      ("transport_cost", "transport_cost", "350.5", true), ("transport_cost", "transport_cost", "-1", false),
      ("transport_cost", "transport_cost", "1e3", false), ("contract_months", "contract_months", "12.5", false),
      ("end", "end", "2023-02-30", false), ("destination", "destination", "35098", false),
    ]
    let (program, _) = Subsidy.compile(Paths.policies)
    for (n, (column, key, value, accepted)) in cases.enumerated() {
      let yaml = """
        as_of: 2024-06-30
        people:
          - {id: P1, hukou: "433122", poverty_status: registered_poor}
        dispatches:
          - {id: D1, person: P1, destination: "350981", start: 2023-01-15, \(key): \(value)}
        """
      let file = try write(yaml, to: dir, "case\(n).yaml")
      var d = DiagnosticBag()
      let loaded = Subsidy.loadFacts(file, program: program!, into: &d) != nil
      var row = BatchIdentityTests.row("DEC-\(n)", person: "DEC-P\(n)", idNumber: BatchIdentityTests.numberA)
      row["start"] = "2023-01-15"
      row[column] = value
      let csv = try write(TestCSV.line(BatchFixtures.columns) + "\n" + row.csv() + "\n", to: dir, "case\(n).csv")
      let run = try runBatch(csv, asOf: "2024-06-30", in: dir)
      #expect(loaded == accepted, "YAML \(key): \(value): \(d.diagnostics.map(\.message))")
      #expect((run.rowsRejected == 0) == accepted, "CSV \(column): \(value): \(run.rejectsText)")
    }
  }

  @Test func theIDNumberCheckIsIDNumbersOnBytesAndText() throws {
    let good = "533123199804010018"
    var bytes = Array(good.utf8)
    let viaBytes = bytes.withUnsafeMutableBufferPointer { IDNumber.validate(utf8: UnsafeBufferPointer($0)) }
    #expect(try viaBytes.get() == IDNumber.validate(good).get())
    bytes[17] = UInt8(ascii: "9")
    let bad = bytes.withUnsafeMutableBufferPointer { IDNumber.validate(utf8: UnsafeBufferPointer($0)) }
    #expect(bad == .failure(.checksumMismatch(expected: "8", got: "9")))
  }

  @Test func aBirthDateAfterTheDateJudgedOnIsRefused() {
    let decoder = FieldDecoder(schema: Self.schema)
    let spec = decoder.spec(type: .idNumber)
    guard case .bad(let p) = decoder.decode("533123203001010013", spec, asOf: CivilDate(year: 2024, month: 6, day: 30)!) else {
      Issue.record("a person born in 2030 was accepted")
      return
    }
    #expect(p.message.contains("later than the date judged on"))
    guard case .value = decoder.decode("533123203001010013", spec, asOf: CivilDate(year: 2031, month: 1, day: 1)!) else {
      Issue.record("refused although born before the date judged on")
      return
    }
  }

  /// The batch decodes numbers, dates, codes, cases, booleans, evidence lists and ID numbers straight
  /// into their column form (`decodeFixedWidth`): for every cell it must store what `decode` and the
  /// column's encoding store, and refuse what `decode` refuses with the same words (with and without a
  /// date judged on, which an ID number's birth date may not pass).
  @Test func theFixedWidthPathAgreesWithTheValuePath() throws {
    let decoder = FieldDecoder(schema: Self.schema)
    let evidence = try #require(Self.schema.enums["evidence"]?.cases)
    let kind = try #require(Self.schema.enums.keys.sorted().first)
    let types: [FieldType] = [.bool, .number, .money, .integer, .date, .code, .enumeration(kind), .list(.enumeration("evidence")), .idNumber]
    let idNumbers = ["11010519491231002X", "11010519491231002x", " 11010519491231002X ", "110105194912310021", "11010519491231002",
                     "533123203001010013", "533123199902300012", "000000199001010010", "1101051949123100２X"]
    let cells = [
      "", " ", "true", "True", "TRUE", "tRuE", "false", "0", "1", "12", "12.5", " 350.00 ", "-1", "1e3", "0.00001", "99999999999999",
      "fals", "falsE", "truE", "true ", "tru", "falsee", "2024-02-29", "2023-02-29", "2024-2-9", "533123", "110000", "999999", "53312", evidence[0], "\(evidence[0]);\(evidence[1])",
      "\(evidence[1]) ; \(evidence[0]);", ";", "\(evidence[0]);nonsense", "\(evidence[0]);\(evidence[0])", kind, "x",
    ] + (Self.schema.enums[kind]?.cases ?? []) + idNumbers
    for type in types {
      let spec = decoder.spec(type: type)
      #expect(decoder.decodesFixedWidth(spec), "\(type) has no fixed-width path")
      let codec = FactColumn.Codec(type, schema: Self.schema)
      for cell in cells {
        for asOf in [nil, CivilDate(year: 2025, month: 6, day: 30)] {
          var text = cell
          let fixed = text.withUTF8 { decoder.decodeFixedWidth($0, spec, asOf: asOf) }
          switch (fixed, decoder.decode(cell, spec, asOf: asOf)) {
          case (.value(let encoded), .value(let value)):
            #expect(FactColumn.encode(value, codec) == encoded, "\(type) `\(cell)`: \(encoded) for \(value)")
          case (.empty, .empty):
            break
          case (.bad(let a), .bad(let b)):
            #expect(a == b, "\(type) `\(cell)`")
          default:
            Issue.record("\(type) `\(cell)`: the two paths disagree: \(fixed) against \(decoder.decode(cell, spec, asOf: asOf))")
          }
        }
      }
    }
    #expect(!decoder.decodesFixedWidth(decoder.spec(type: .string)))
    // An ID number's column form gives its text back, its check character upper case.
    let id = decoder.spec(type: .idNumber)
    var lower = "11010519491231002x"
    guard case .value(let packed) = lower.withUTF8({ decoder.decodeFixedWidth($0, id, asOf: nil) }) else {
      Issue.record("a valid ID number was refused")
      return
    }
    var column = FactColumn(.idNumber)
    column.append(.string("11010519491231002X"))
    #expect(column.isEncoded && column.values == [packed] && column[0] == .string("11010519491231002X"))
    #expect(FactColumn.encode(.string("11010519491231002x"), .idNumber) == nil, "only the canonical text has the column form")
    #expect(FactColumn.encode(.string("110105194912310021"), .idNumber) == nil, "a wrong check character has no column form")
  }

  /// A list cell's parts (`a;b;c`) are found eight bytes at a time: for any text of list-like bytes
  /// they must be the parts a plain split on `;` gives, trimmed, empty ones skipped, in order; and a
  /// part the caller refuses stops the walk there.
  @Test func listPartsAreWhatASplitOnSemicolonsGives() {
    var random = SystemRandomNumberGenerator()
    let alphabet = Array("ab; \t;x李".utf8)
    for _ in 0..<20_000 {
      let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }
      let text = String(decoding: bytes, as: UTF8.self)
      let expected = text.split(separator: ";", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .init(charactersIn: " \t")) }.filter { !$0.isEmpty }
      var parts: [String] = []
      let whole = bytes.withUnsafeBufferPointer { FieldDecoder.forEachPart(of: $0) { parts.append(String(decoding: $0, as: UTF8.self)); return true } }
      #expect(whole && parts == expected, "`\(text)`")
      // Stopped at the second part: only two are seen, and the walk says so.
      var seen = 0
      let stopped = bytes.withUnsafeBufferPointer { FieldDecoder.forEachPart(of: $0) { _ in seen += 1; return seen < 2 } }
      #expect(stopped == (expected.count < 2) && seen == min(expected.count, 2), "`\(text)`")
    }
  }

  /// A bounded number or date (`members: min 1, max 100`) takes the fixed-width path too, its bounds
  /// compared in the encoded form: at, inside and just past every bound it must agree with `decode`,
  /// which words the problem.
  @Test func boundedFieldsTakeTheFixedWidthPathAndAgree() throws {
    let decoder = FieldDecoder(schema: Self.schema)
    var fields = Self.schema.entities.flatMap(\.fields).filter { $0.minimum != nil || $0.maximum != nil }
    #expect(fields.count >= 4, "the schema has bounded numbers")
    // A date between two bounds and an amount with a fractional bound, made from a schema field.
    var on = fields[0]
    on.type = .date
    on.minimum = .date(CivilDate(year: 2000, month: 1, day: 1)!)
    on.maximum = .date(CivilDate(year: 2030, month: 12, day: 31)!)
    var half = fields[0]
    half.type = .money
    half.minimum = .number(Fixed(raw: -5_000))
    half.maximum = nil
    fields += [on, half]
    let cells = ["", "x", "-1", "-0.5", "-0.50", "-0.51", "0", "0.00", "1", "1.5", "2", "99", "100", "100.0001", "101", "600", "601",
                 "1948", "1949", "2100", "2101", "3660", "3661", "99999999999999", "1999-12-31", "2000-01-01", "2030-12-31", "2031-01-01"]
    for field in fields {
      let spec = decoder.spec(field)
      #expect(decoder.decodesFixedWidth(spec), "\(field.name) has no fixed-width path")
      let codec = FactColumn.Codec(field.type, schema: Self.schema)
      for cell in cells {
        var text = cell
        let fixed = text.withUTF8 { decoder.decodeFixedWidth($0, spec, asOf: nil) }
        switch (fixed, decoder.decode(cell, spec)) {
        case (.value(let encoded), .value(let value)):
          #expect(FactColumn.encode(value, codec) == encoded, "\(field.name) `\(cell)`: \(encoded) for \(value)")
        case (.empty, .empty):
          break
        case (.bad(let a), .bad(let b)):
          #expect(a == b, "\(field.name) `\(cell)`")
        default:
          Issue.record("\(field.name) `\(cell)`: the two paths disagree: \(fixed) against \(decoder.decode(cell, spec))")
        }
      }
    }
    // A bound with no fixed-width form (a number bound on a date) leaves the field to `decode`.
    var odd = on
    odd.minimum = .number(Fixed(raw: 0))
    #expect(!decoder.decodesFixedWidth(decoder.spec(odd)))
  }

  /// An enum case is found by its length and first 8 bytes as one word, then the rest: cases that
  /// share a length and those 8 bytes, or are prefixes of each other, must still be told apart.
  @Test func enumCasesAreFoundByTheirWholeSpelling() {
    let cases = ["abcdefgh_x", "abcdefgh_y", "abcdefgh", "abcdefg", "abcdefgh_xy", "", "a", "b", "职业资格证书", "职业资格证明", "abcdefghijklmnopqrstuvwxyz_1", "abcdefghijklmnopqrstuvwxyz_2"]
    let keys = FieldDecoder.CaseKeys(cases.map { Array($0.utf8) })
    let probes = cases + ["abcdefgh_z", "abcdefgh_", "abcdefg_", "abcdefghh", "A", "职业资格证", "abcdefghijklmnopqrstuvwxyz_3", "abcdefghijklmnopqrstuvwxyz_", " a"]
    for probe in probes {
      var text = probe
      let found = text.withUTF8 { keys.index(of: $0) }
      #expect(found == cases.firstIndex(of: probe), "`\(probe)`")
    }
  }
}
