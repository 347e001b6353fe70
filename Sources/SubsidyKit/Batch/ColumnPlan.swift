import Foundation
import PolicyCheck
import PolicySupport

/// Which CSV column fills which field of which record, derived from the fact schema.
///
/// A row is one dispatch: its own fields are bare columns (`destination`, `start`; its id is
/// `dispatch_id`), and each entity it refers to is flattened under the reference's name:
/// `person_hukou`, `organizer_kind`, `employer_location`, and through the person, `household_members`.
/// A field a region adds in its schema file gets its column the same way, with no Swift change.
public struct ColumnPlan: Sendable {
  /// One entity flattened into the row: the row itself, its person, organiser, employer, household.
  public struct Role: Sendable {
    public var name: String
    public var entity: Int
    /// Column index (in the file) for each field slot; nil where the file has no such column.
    public var columns: [Int?]
    /// For a referenced role: the slot in the owner's record that points at this role's record.
    public var owner: Int?
    public var ownerSlot: Int?
  }

  public var roles: [Role]
  /// The header as read, for messages.
  public var header: [String]

  /// The column names the schema expects, with the role and field each fills.
  public static func expectedColumns(_ schema: FactSchema) -> [(name: String, role: String, field: String, required: Bool)] {
    guard let row = schema.entity("dispatch") else { return [] }
    var out: [(String, String, String, Bool)] = []
    for field in row.fields {
      if case .reference = field.type { continue }
      out.append((field.name == "id" ? "dispatch_id" : field.name, "dispatch", field.name, field.required))
    }
    for (prefix, entity, required) in referencedRoles(schema) {
      for field in entity.fields {
        if case .reference = field.type { continue }
        out.append(("\(prefix)_\(field.name)", prefix, field.name, required && field.required))
      }
    }
    return out
  }

  /// The row's references by name, and the person's household: (prefix, entity, must the row have it).
  static func referencedRoles(_ schema: FactSchema) -> [(String, FactSchema.Entity, Bool)] {
    guard let row = schema.entity("dispatch") else { return [] }
    var out: [(String, FactSchema.Entity, Bool)] = []
    for field in row.fields {
      guard case .reference(let target) = field.type, let entity = schema.entity(target) else { continue }
      out.append((field.name, entity, field.required))
      for inner in entity.fields {
        guard case .reference(let t) = inner.type, let e = schema.entity(t), !out.contains(where: { $0.0 == inner.name }) else { continue }
        out.append((inner.name, e, false))
      }
    }
    return out
  }

  /// Maps the header to the schema. Missing required columns and misspelled names are errors (with a
  /// suggestion) before any row is read; columns the schema does not know are warnings and ignored.
  public static func make(header: [String], schema: FactSchema, file: String, into d: inout DiagnosticBag) -> ColumnPlan? {
    let expected = expectedColumns(schema)
    let known = Set(expected.map(\.name))
    var index: [String: Int] = [:]
    for (i, raw) in header.enumerated() {
      let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
      let span = SourceSpan(file: file, line: 1, column: i + 1)
      if let first = index[name] {
        d.add(.error("duplicate-column", "column `\(name)` appears twice (columns \(first + 1) and \(i + 1))",
                     zh: "列 `\(name)` 出现了两次（第 \(first + 1) 列和第 \(i + 1) 列）", at: span))
        continue
      }
      index[name] = i
      if !known.contains(name) {
        let missing = expected.map(\.name).filter { !header.contains($0) }
        if let guess = EditDistance.suggestion(for: name, among: missing) {
          d.add(.error("unknown-column", "unknown column `\(name)` (column \(i + 1))", zh: "未知的列 `\(name)`（第 \(i + 1) 列）", at: span,
                       help: "did you mean `\(guess)`?", helpZh: "是否应为 `\(guess)`？"))
        } else {
          d.add(.warning("unused-column", "column `\(name)` (column \(i + 1)) is not a fact field; it is ignored",
                         zh: "列 `\(name)`（第 \(i + 1) 列）不是事实字段，已忽略", at: span))
        }
      }
    }
    for column in expected where column.required && index[column.name] == nil {
      let unknown = header.filter { !known.contains($0) }
      d.add(.error("missing-column", "the header has no `\(column.name)` column, which every row needs",
                   zh: "表头缺少每行都必须有的 `\(column.name)` 列",
                   at: SourceSpan(file: file, line: 1, column: 1),
                   help: EditDistance.didYouMean(column.name, among: unknown).map { "the header has a similar column: \($0)" },
                   helpZh: EditDistance.didYouMeanZh(column.name, among: unknown).map { "表头有一列与之相近：\($0)" }))
    }
    guard !d.hasErrors, let row = schema.entity("dispatch") else { return nil }
    func columns(_ entity: FactSchema.Entity, _ prefix: String?) -> [Int?] {
      entity.fields.map { field in
        if case .reference = field.type { return nil }
        let name = prefix.map { "\($0)_\(field.name)" } ?? (field.name == "id" ? "dispatch_id" : field.name)
        return index[name]
      }
    }
    var roles = [Role(name: "dispatch", entity: row.index, columns: columns(row, nil), owner: nil, ownerSlot: nil)]
    for field in row.fields {
      guard case .reference(let target) = field.type, let entity = schema.entity(target) else { continue }
      let owner = roles.count
      roles.append(Role(name: field.name, entity: entity.index, columns: columns(entity, field.name), owner: 0, ownerSlot: field.slot))
      for inner in entity.fields {
        guard case .reference(let t) = inner.type, let e = schema.entity(t), !roles.contains(where: { $0.name == inner.name }) else { continue }
        roles.append(Role(name: inner.name, entity: e.index, columns: columns(e, inner.name), owner: owner, ownerSlot: inner.slot))
      }
    }
    return ColumnPlan(roles: roles, header: header)
  }
}
