import Foundation
import PolicyCheck
@testable import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyIO
@testable import SubsidyKit
import Testing

/// `Facts.Draft`, the raw columns a batch chunk is decoded into: what it finishes as must be what
/// tables built record by record (`Table.append`) hold, and a decoded chunk's records must hold
/// exactly their rows' cells, whatever rows were rejected and taken back before them.
@Suite struct FactsDraftTests {
  static let schema: FactSchema = {
    let (program, _) = Subsidy.compile(Paths.policies)
    return program!.schema
  }()

  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 11
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
  }

  /// Values a field of each entity may hold, decoded by the one decoder from sample cells.
  static func samples(_ field: FactSchema.Field, _ decoder: FieldDecoder) -> [Value] {
    var cells = ["true", "false", "0", "12", "350.25", "-1.5", "2024-02-29", "2019-07-01", "533123", "440305", "王小明", "P7", "533123196501010009"]
    for (_, e) in schema.enums { cells += e.cases.prefix(3) + [e.cases.prefix(2).joined(separator: ";")] }
    let spec = decoder.spec(field)
    let values = cells.compactMap { cell -> Value? in
      if case .value(let v) = decoder.decode(cell, spec) { return v }
      return nil
    }
    if case .reference(let target) = field.type, let kind = schema.entityIndex[target] {
      return [.null] + (0..<5).map { .entity(kind: kind, index: $0) }
    }
    return [.null] + values
  }

  /// Random begins (new and repeated ids), cells set encoded (through `set` and `encodedColumn`) and as
  /// values, records taken back, and now and then a value with no encoded form: the draft finishes as
  /// a model of the same steps says.
  @Test(arguments: [1, 2, 3, 4])
  func finishesAsTablesBuiltRecordByRecord(seed: UInt64) throws {
    var random = Random(state: seed)
    let decoder = FieldDecoder(schema: Self.schema)
    let tables = Facts(schema: Self.schema).tables
    let entities = Self.schema.entities
    let defaults = entities.map { entity in
      entity.fields.map { field in field.defaultText.flatMap { try? decoder.decodeLiteral($0, field.type).get() } ?? .null }
    }
    let blanks = tables.indices.map { tables[$0].blank(defaults[$0]) }
    let capacities = tables.indices.map { $0 % 3 == 2 ? 0 : 40 + random.below(40) }
    let samples = entities.map { entity in entity.fields.map { Self.samples($0, decoder) } }
    var draft = Facts.Draft(like: tables, capacities: capacities, blanks: blanks)
    // The model: each table's ids and records as values.
    var ids = tables.map { _ in [String]() }
    var records = tables.map { _ in [[Value]]() }
    // Columns given a value with no encoded form: they hold values from then on.
    var converted = Set<[Int]>()
    for _ in 0..<2_000 {
      let t = random.below(tables.count)
      guard capacities[t] > 0 else { continue }
      switch random.below(10) {
      case 0, 1, 2:
        guard ids[t].count < capacities[t] else { continue }
        var id = "R\(random.below(60))"
        let (position, isNew) = id.withUTF8 { draft.findOrBegin(t, id: $0) }
        if let existing = ids[t].firstIndex(of: id) {
          #expect(position == existing && !isNew)
        } else {
          #expect(position == ids[t].count && isNew)
          ids[t].append(id)
          records[t].append(defaults[t])
        }
      case 3:
        draft.removeLast(t)
        if ids[t].popLast() != nil { records[t].removeLast() }
      default:
        guard !ids[t].isEmpty else { continue }
        let record = random.below(ids[t].count), slot = random.below(entities[t].fields.count)
        let codec = tables[t].columns[slot].codec
        // Now and then a value the column has no form for (text in a number column).
        let value: Value = random.below(40) == 0 ? .string("odd") : random.pick(samples[t][slot])
        let way = random.below(3)
        if codec != .boxed, !value.isNull, let encoded = FactColumn.encode(value, codec), way < 2 {
          // The column decoder's way (`RowDecoder.copyBlockCells`) where the column is still encoded.
          if way == 0, let column = draft.encodedColumn(t, slot) {
            column.store(encoded, at: record)
          } else {
            draft.set(t, record, slot, encoded: encoded, as: codec)
          }
        } else {
          draft[t, record, slot] = value
        }
        records[t][record][slot] = value
        if codec != .boxed, !value.isNull, FactColumn.encode(value, codec) == nil { converted.insert([t, slot]) }
        #expect(draft[t, record, slot].isNull == value.isNull)
        if codec != .boxed, case .string = value {} else if codec != .boxed {
          #expect(draft.encoded(t, record, slot) == (value.isNull ? nil : FactColumn.encode(value, codec)))
        }
      }
    }
    let finished = draft.finish()
    for t in tables.indices {
      var built = Facts.Table(like: tables[t])
      for (id, record) in zip(ids[t], records[t]) { built.append(id: id, record: record, span: nil) }
      let got = finished[t]
      #expect(got.ids == built.ids)
      #expect(got.count == ids[t].count && (0..<got.count).allSatisfy { got.span(of: $0) == nil })
      for (i, id) in ids[t].enumerated() { #expect(got.index[id] == i) }
      for slot in built.columns.indices {
        let codec = converted.contains([t, slot]) ? .boxed : built.columns[slot].codec
        #expect(got.columns[slot].codec == codec, "table \(t) slot \(slot)")
        #expect(got.columns[slot].count == ids[t].count)
        for i in 0..<got.count where got[record: i, slot: slot] != built[record: i, slot: slot] {
          Issue.record("table \(t) record \(i) slot \(slot): \(got[record: i, slot: slot]) against \(built[record: i, slot: slot])")
        }
      }
    }
  }

  // MARK: a decoded chunk holds its rows' cells

  static let header = [
    "dispatch_id", "person_id", "person_name", "person_id_number", "person_hukou", "person_poverty_status", "person_relocated",
    "person_post_school_youth", "household_id", "household_members", "household_labor_income", "household_income_year",
    "organizer_id", "organizer_kind", "organizer_location", "organizer_licensed", "organizer_hr_license", "employer_id",
    "employer_kind", "employer_location", "destination", "organized", "start", "end", "contract", "contract_months",
    "social_insurance", "follow_up", "transport_cost", "evidence",
  ]

  static func idNumber(_ body: String) -> String {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
    return body + String(Array("10X98765432")[sum % 11])
  }

  /// Rows sharing people, households and organisations, each cell now and then bad, out of bounds,
  /// quoted (with `""` inside), padded or empty; some rows short, some dispatch ids repeated.
  static func rows(_ random: inout Random) -> [[String]] {
    let poverty = schema.enums["poverty_status"]!.cases, kinds = schema.enums["organization_kind"]!.cases
    let evidence = schema.enums["evidence"]!.cases
    var out: [[String]] = []
    func sometimes(_ good: String, _ others: [String], _ oneIn: Int = 12) -> String {
      random.below(oneIn) == 0 ? random.pick(others) : good
    }
    for i in 0..<700 {
      let p = random.below(50), h = random.below(25), o = random.below(8), e = random.below(8)
      let dispatch = random.below(30) == 0 && i > 0 ? "D\(random.below(i))" : "D\(i)"
      let number = idNumber(String(format: "5331231985%02d%02d%03d", 1 + p % 12, 1 + p % 28, p))
      var row = [
        dispatch, sometimes("P\(p)", [" P\(p) ", "", "P\u{7}\(p)"], 20),
        sometimes("王\(p)", ["李\(p)", "\"王\"\"\(p)\"", "", "王\t\(p)"]),
        sometimes(number, ["", "533123198501010000", idNumber(String(format: "5331231985%02d%02d%03d", 2 + p % 11, 1 + p % 28, p))]),
        sometimes("533123", ["53312x", "", "440305"]), sometimes(poverty[p % poverty.count], ["nope", "", random.pick(poverty)]),
        sometimes(p % 2 == 0 ? "true" : "false", ["TRUE", "maybe", ""]), sometimes("false", ["True", "yes"]),
        sometimes(random.below(6) == 0 ? "" : "H\(h)", ["H\(h) ", ""]),
        sometimes("\(1 + h % 6)", ["0", "101", "", "2.5"]), sometimes(h % 3 == 0 ? "" : "\(1000 + h).50", ["-1", "x", "\"1,000\""]),
        sometimes(h % 3 == 0 ? "" : "2021", ["1900", "2101", ""]),
        sometimes(random.below(5) == 0 ? "" : "O\(o)", [" O\(o)"]), sometimes(kinds[o % kinds.count], ["x", ""]),
        sometimes("533123", ["", "1234567"]), sometimes(o % 2 == 0 ? "true" : "false", ["", "no"]), sometimes("", ["true", "false"]),
        sometimes("E\(e)", ["", "O\(o)"]), sometimes(kinds[e % kinds.count], ["", "y"]), sometimes("440305", ["", "44030"]),
        sometimes("440305", ["", "000000"]), sometimes("true", ["false", ""]),
        sometimes("2024-0\(1 + i % 9)-1\(i % 10)", ["2024-02-30", "", "2024/01/01"]),
        sometimes("", ["2025-01-01", "2023-01-01", "2025-13-01"]), sometimes("true", ["false", "", "t"]),
        sometimes("12", ["", "0", "601", "1.5"]), sometimes("true", [""]), sometimes("false", [""]),
        sometimes("1367.50", ["", "0", "-0.01", " 12 "]),
        sometimes(evidence.prefix(1 + i % 4).joined(separator: ";"), ["", "\(evidence[0]);nonsense", "\"\(evidence[1]); \(evidence[0])\""]),
      ]
      if random.below(40) == 0 { row.removeLast(1 + random.below(3)) }
      out.append(row)
    }
    return out
  }

  /// The cell as written (quoted or not) → its text.
  static func text(_ cell: String) -> String {
    guard cell.hasPrefix("\""), cell.hasSuffix("\""), cell.count >= 2 else { return cell }
    return String(cell.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
  }

  @Test(arguments: [5, 6])
  func decodedRecordsHoldTheirRowsCells(seed: UInt64) throws {
    var random = Random(state: seed)
    let rows = Self.rows(&random)
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("rows.csv").path
    try ([Self.header] + rows).map { $0.joined(separator: ",") + "\n" }.joined().write(toFile: file, atomically: true, encoding: .utf8)
    let schema = Self.schema
    var d = DiagnosticBag()
    let plan = try #require(ColumnPlan.make(header: Self.header, schema: schema, file: file, into: &d))
    let rowDecoder = RowDecoder(schema: schema, plan: plan, showPII: false)
    let decoder = FieldDecoder(schema: schema)
    let asOf = try #require(CivilDate(year: 2025, month: 6, day: 30))
    let reader = try CSVReader(path: file)
    _ = try reader.next(maxRecords: 1)
    var records = 0, rejects = 0
    while let chunk = try reader.next(maxRecords: 128) {
      let decoded = rowDecoder.decode(chunk, asOf: asOf)
      let facts = decoded.facts
      rejects += decoded.rejects.count
      #expect(decoded.lines.count + decoded.rejects.count == chunk.count)
      #expect(facts.tables[plan.roles[0].entity].count == decoded.lines.count)
      for (r, role) in plan.roles.enumerated() {
        let table = facts.tables[role.entity]
        let entity = schema.entities[role.entity]
        for record in 0..<table.count {
          let line = r == 0 ? decoded.lines[record] : decoded.firstLines[role.entity][record]
          let row = rows[line - 2].map(Self.text)
          // An organisation's record is decoded from whichever of its roles named it first (inner
          // roles, of higher index, first).
          func names(_ r: Int) -> Bool {
            let role = plan.roles[r]
            guard let column = schema.entities[role.entity].slots["id"].flatMap({ role.columns[$0] }), column < row.count else { return false }
            return role.entity == plan.roles[r].entity && row[column].trimmingCharacters(in: CharacterSet(charactersIn: " ")) == table.ids[record]
          }
          guard names(r), !plan.roles.indices.contains(where: { $0 > r && plan.roles[$0].entity == role.entity && names($0) }) else { continue }
          records += 1
          // A person given another ID number by a later row has a record for each (`RowDecoder`): the
          // id finds the last one begun.
          #expect(table.index[table.ids[record]] == table.ids.lastIndex(of: table.ids[record]))
          for field in entity.fields where field.name != "id" {
            if case .reference = field.type {
              guard let inner = plan.roles.firstIndex(where: { $0.owner == r && $0.ownerSlot == field.slot }) else { continue }
              let innerEntity = plan.roles[inner].entity
              let innerID = plan.roles[inner].columns[schema.entities[innerEntity].slots["id"]!].map { row[$0].trimmingCharacters(in: CharacterSet(charactersIn: " ")) } ?? ""
              let linked = facts.id(of: table[record: record, slot: field.slot]) ?? ""
              #expect(linked == innerID, "line \(line) \(role.name).\(field.name)")
              continue
            }
            guard let column = role.columns[field.slot] else { continue }
            let cell = column < row.count ? row[column] : ""
            let expected: Value
            switch decoder.decode(cell, decoder.spec(field), asOf: asOf) {
            case .value(let v): expected = v
            case .empty: expected = field.defaultText.flatMap { try? decoder.decodeLiteral($0, field.type).get() } ?? .null
            case .bad(let why):
              Issue.record("line \(line) \(role.name).\(field.name): kept although `\(cell)` \(why.message)")
              continue
            }
            let got = table[record: record, slot: field.slot]
            let codec = table.columns[field.slot].codec
            let same = codec == .boxed ? got == expected : FactColumn.encode(got, codec) == FactColumn.encode(expected, codec)
            #expect(same, "line \(line) \(role.name).\(field.name): \(got), but `\(cell)` is \(expected)")
          }
        }
      }
      // A rejected row's records were taken back: no record was decoded from it.
      for reject in decoded.rejects {
        #expect(!decoded.lines.contains(reject.line), "line \(reject.line) was rejected and kept")
        for e in decoded.firstLines.indices where decoded.firstLines[e].prefix(facts.tables[e].count).contains(reject.line) {
          Issue.record("line \(reject.line) was rejected (\(reject.column) \(reject.reason)), but a \(schema.entities[e].name) record decoded from it was kept")
        }
      }
    }
    #expect(records > 500, "too few records were checked: \(records)")
    #expect(rejects > 100, "too few rows were rejected: \(rejects)")
  }
}
