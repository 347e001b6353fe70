import PolicyCheck
import PolicyDSL
import PolicyValues

extension PolicyDiffer {
  /// Parameters added or removed, and for shared ones every dated value (each table row) that
  /// differs on some date, with the date from which it differs.
  func parameters(_ a: CheckedPolicy, _ b: CheckedPolicy, dates: [CivilDate]) -> [PolicyDiff.Entry] {
    var out: [PolicyDiff.Entry] = []
    for p in b.parameters {
      let prefix = t("参数 ", "Parameter ") + p.name + (p.syntax.clause.map { t("（\($0)）", " (\($0))") } ?? "") + t("：", ": ")
      guard let old = a.parameters.first(where: { $0.name == p.name }) else {
        let first = p.versions.first.map { t("自 \($0.from) 起 ", "from \($0.from): ") + describe($0.value, p) } ?? ""
        out.append(.init(section: .parameter, subject: p.name, clause: p.syntax.clause, change: .added, field: "parameter", before: nil,
                         after: first, from: p.versions.first?.from.description, line: t("新增", "Added ") + prefix + first))
        continue
      }
      out += parameterChanges(old, p, prefix: prefix, dates: dates)
    }
    for p in a.parameters where !b.parameters.contains(where: { $0.name == p.name }) {
      out.append(.init(section: .parameter, subject: p.name, clause: p.syntax.clause, change: .removed, field: "parameter", before: nil,
                       after: nil, from: nil, line: t("删除参数 ", "Removed parameter ") + p.name + (p.syntax.clause.map { t("（\($0)）", " (\($0))") } ?? "")))
    }
    return out
  }

  private func parameterChanges(_ a: CheckedParameter, _ b: CheckedParameter, prefix: String, dates: [CivilDate]) -> [PolicyDiff.Entry] {
    let name = b.name, clause = b.syntax.clause
    var out: [PolicyDiff.Entry] = []
    let none = t("无", "none")
    let simple: [(String, String, String, String)] = [
      ("type", t("类型", "type"), a.syntax.type.value.rawValue, b.syntax.type.value.rawValue),
      ("by", t("分档依据", "keyed by"), a.syntax.by?.value ?? none, b.syntax.by?.value ?? none),
      ("unit", t("单位", "unit"), a.syntax.unit ?? none, b.syntax.unit ?? none),
      ("clause", t("条款", "clause"), a.syntax.clause ?? none, b.syntax.clause ?? none),
    ]
    for (field, label, before, after) in simple where before != after {
      out.append(changed(.parameter, name, clause, field: field, label: label, before, after, prefix: prefix))
    }
    for row in rowKeys(a, b) {
      var last: (String, String)?
      for date in dates {
        let before = cell(a, row, on: date), after = cell(b, row, on: date)
        if before == after {
          last = nil
          continue
        }
        if let l = last, l == (before, after) { continue }
        last = (before, after)
        let label = row.map { rowLabel(b, $0) + t("", ":") } ?? t("取值", "value")
        out.append(changed(.parameter, name, clause, field: row.map { "values.\($0)" } ?? "values", label: label, before, after, from: date, prefix: prefix))
      }
    }
    let (noteA, noteB) = language == .en ? (a.syntax.noteEn ?? a.syntax.note, b.syntax.noteEn ?? b.syntax.note) : (a.syntax.note, b.syntax.note)
    if (noteA ?? "") != (noteB ?? "") {
      out.append(changed(.parameter, name, clause, field: "note", label: t("说明", "note"), noteA ?? none, noteB ?? none, prefix: prefix))
    }
    return out
  }

  /// nil for a scalar; the table's row names (enum order, then any string keys) for a table.
  private func rowKeys(_ a: CheckedParameter, _ b: CheckedParameter) -> [String?] {
    guard a.isTable || b.isTable else { return [nil] }
    if let name = b.tableEnum ?? a.tableEnum, let e = schema.enums[name] { return e.cases }
    var keys: [String] = []
    for p in [a, b] {
      for (_, version) in p.versions {
        if case .stringTable(let rows)? = version { for k in rows.keys.sorted() where !keys.contains(k) { keys.append(k) } }
      }
    }
    return keys
  }

  private func rowLabel(_ p: CheckedParameter, _ row: String) -> String {
    guard let name = p.tableEnum, let e = schema.enums[name], let i = e.index(of: row) else { return row }
    return language == .zh ? (e.labels[i]?.zh ?? row) : (e.labels[i]?.en ?? row)
  }

  /// The value of a parameter (or one row) in force on `date`, in words with its unit; `无` when none.
  private func cell(_ p: CheckedParameter, _ row: String?, on date: CivilDate) -> String {
    let none = t("无", "none")
    guard let version = p.version(on: date) else { return none }
    switch version {
    case .scalar(let v): return row == nil ? describe(v, p) : none
    case .enumTable(let rows):
      guard let row, let name = p.tableEnum, let i = schema.enums[name]?.index(of: row), i < rows.count, let v = rows[i] else { return none }
      return describe(v, p)
    case .stringTable(let rows):
      guard let row, let v = rows[row] else { return none }
      return describe(v, p)
    }
  }

  /// A whole version (every row of a table) in words, for an added parameter.
  func describe(_ version: CheckedParameter.Version?, _ p: CheckedParameter) -> String {
    switch version {
    case .scalar(let v)?: return describe(v, p)
    case .enumTable(let rows)?:
      guard let name = p.tableEnum, let e = schema.enums[name] else { return "" }
      return rows.enumerated().compactMap { i, v in v.map { rowLabel(p, e.cases[i]) + describe($0, p) } }.joined(separator: t("、", ", "))
    case .stringTable(let rows)?: return rows.keys.sorted().compactMap { k in rows[k].map { k + describe($0, p) } }.joined(separator: t("、", ", "))
    case nil: return t("无", "none")
    }
  }

  func describe(_ v: Value, _ p: CheckedParameter) -> String {
    let unit = p.syntax.unit.map { language == .zh ? $0 : " \($0)" } ?? ""
    switch v {
    case .number(let n): return n.description + unit
    case .bool(let b): return b ? t("是", "yes") : t("否", "no")
    case .date(let d): return d.description
    case .duration(let n, let u): return "\(n) \(u.rawValue)"
    case .string(let s): return s
    default: return t("无", "none")
    }
  }
}
