import PolicyCheck
import PolicyEval
import PolicyValues

/// A row that was not evaluated, and why: it goes to the rejects file with its line and column.
public struct Reject: Sendable {
  public var line: Int
  public var column: String
  public var value: String
  public var reason: String
}

/// Turns a chunk of CSV records into `Facts`: one dispatch per row, with its person, household,
/// organiser and employer (each shared record stored once per chunk). A row with any bad cell is
/// rejected whole, with the first bad column; the others are still decoded.
struct RowDecoder: Sendable {
  let schema: FactSchema
  let plan: ColumnPlan
  let converter: CellConverter
  /// Columns whose values are ID numbers: masked in rejects unless PII may be shown.
  let showPII: Bool

  init(schema: FactSchema, plan: ColumnPlan, showPII: Bool) {
    self.schema = schema
    self.plan = plan
    self.converter = CellConverter(schema: schema)
    self.showPII = showPII
  }

  struct Decoded {
    var facts: Facts
    /// The line of each dispatch record, by its index in the dispatch table.
    var lines: [Int] = []
    var rejects: [Reject] = []
  }

  func decode(_ chunk: CSVChunk, asOf: CivilDate?) -> Decoded {
    var out = Decoded(facts: Facts(schema: schema))
    out.facts.asOf = asOf
    out.lines.reserveCapacity(chunk.count)
    var records: [[Value]?] = Array(repeating: nil, count: plan.roles.count)
    var ids: [String?] = Array(repeating: nil, count: plan.roles.count)
    rows: for row in 0..<chunk.count {
      for (r, role) in plan.roles.enumerated() {
        records[r] = nil
        ids[r] = nil
        let entity = schema.entities[role.entity]
        guard let idSlot = entity.slots["id"], let idColumn = role.columns[idSlot] else { continue }
        let id = chunk.string(row, idColumn).trimmingSpacesAndTabs
        if id.isEmpty {
          if r == 0 || (role.owner == 0 && isRequiredReference(role)) {
            out.rejects.append(Reject(line: chunk.lines[row], column: plan.header[idColumn], value: "", reason: "is empty, but every row needs it"))
            continue rows
          }
          continue
        }
        ids[r] = id
        // A shared record already decoded in this chunk is not decoded again.
        if r > 0, out.facts.tables[role.entity].index[id] != nil { continue }
        var record = [Value](repeating: .null, count: entity.fields.count)
        for field in entity.fields {
          if case .reference = field.type { continue }
          guard let column = role.columns[field.slot] else {
            if let d = field.defaultText { record[field.slot] = defaultValue(d, field.type) }
            continue
          }
          let outcome = chunk.withField(row, column) { converter.convert($0, field.type) }
          switch outcome {
          case .value(let v): record[field.slot] = v
          case .empty:
            if field.required {
              out.rejects.append(Reject(line: chunk.lines[row], column: plan.header[column], value: "", reason: "is empty, but required"))
              continue rows
            }
            if let d = field.defaultText { record[field.slot] = defaultValue(d, field.type) }
          case .bad(let why):
            let raw = chunk.string(row, column)
            let shown = field.type == .idNumber && !showPII ? mask(raw) : raw
            out.rejects.append(Reject(line: chunk.lines[row], column: plan.header[column], value: shown, reason: why))
            continue rows
          }
        }
        records[r] = record
      }
      if let dispatchID = ids[0], out.facts.tables[plan.roles[0].entity].index[dispatchID] != nil {
        out.rejects.append(Reject(line: chunk.lines[row], column: "dispatch_id", value: dispatchID, reason: "repeats an earlier row's dispatch id"))
        continue rows
      }
      insert(&records, ids, into: &out.facts)
      out.lines.append(chunk.lines[row])
    }
    return out
  }

  /// Stores the row's records, innermost references first, and links each to its owner.
  private func insert(_ records: inout [[Value]?], _ ids: [String?], into facts: inout Facts) {
    var indices: [Int?] = Array(repeating: nil, count: plan.roles.count)
    for r in stride(from: plan.roles.count - 1, through: 0, by: -1) {
      let role = plan.roles[r]
      guard let id = ids[r] else { continue }
      if let existing = facts.tables[role.entity].index[id], r > 0 {
        indices[r] = existing
        continue
      }
      guard var record = records[r] else { continue }
      for (inner, innerRole) in plan.roles.enumerated() where innerRole.owner == r {
        if let slot = innerRole.ownerSlot, let i = indices[inner] { record[slot] = .entity(kind: innerRole.entity, index: i) }
      }
      let position = facts.tables[role.entity].count
      facts.tables[role.entity].append(id: id, record: record, span: nil)
      indices[r] = position
    }
  }

  private func isRequiredReference(_ role: ColumnPlan.Role) -> Bool {
    guard let slot = role.ownerSlot else { return false }
    return schema.entities[plan.roles[0].entity].fields[slot].required
  }

  private func defaultValue(_ text: String, _ type: FieldType) -> Value {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { b in
      if case .value(let v) = converter.convert(b, type) { return v }
      return .null
    }
  }

  private func mask(_ s: String) -> String {
    let chars = Array(s)
    guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
    return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10) + String(chars.suffix(4))
  }
}

extension String {
  var trimmingSpacesAndTabs: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
    return String(s)
  }
}
