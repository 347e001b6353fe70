import PolicyDSL
import PolicySupport
import PolicyValues

/// Parses parameter values by their declared type, and table keys against their enum.
enum ParameterChecker {
  static func check(_ p: Parameter, schema: FactSchema, into d: inout DiagnosticBag) -> CheckedParameter? {
    let valueType: ExprType
    switch p.type.value {
    case .money, .number: valueType = .number
    case .months: valueType = .duration(.months)
    case .days: valueType = .duration(.days)
    case .date: valueType = .date
    case .bool: valueType = .bool
    }
    var tableEnum: String?
    if let by = p.by, by.value != "string" {
      guard schema.enums[by.value] != nil else {
        d.add(.error("unknown-enum", "parameter `\(p.name.value)` is keyed by unknown enum `\(by.value)`",
                     zh: "参数 `\(p.name.value)` 以未知的枚举 `\(by.value)` 为键", at: by.span,
                     help: EditDistance.didYouMean(by.value, among: schema.enums.keys) ?? "use an enum of the fact schema, or `string`",
                     helpZh: EditDistance.didYouMeanZh(by.value, among: schema.enums.keys) ?? "请用事实模式中的枚举，或 `string`"))
        return nil
      }
      tableEnum = by.value
    }
    var versions: [(from: CivilDate, value: CheckedParameter.Version?)] = []
    var previous: CivilDate?
    for dated in p.values {
      if let previous, dated.from.value <= previous {
        d.add(.error("unordered-values", "values of `\(p.name.value)` must be in date order", zh: "`\(p.name.value)` 的取值须按日期先后排列", at: dated.from.span))
      }
      previous = dated.from.value
      guard let raw = dated.value else {
        versions.append((dated.from.value, nil))
        continue
      }
      switch raw {
      case .scalar(let text):
        if p.by != nil {
          d.add(.error("expected-mapping", "parameter `\(p.name.value)` is a table (`by: \(p.by?.value ?? "")`): give its rows as a mapping",
                       zh: "参数 `\(p.name.value)` 是表（`by: \(p.by?.value ?? "")`）：请以键值映射写出各行", at: text.span))
          continue
        }
        guard let value = parse(text, p.type.value, into: &d) else { continue }
        versions.append((dated.from.value, .scalar(value)))
      case .table(let rows):
        guard p.by != nil else {
          d.add(.error("missing-key", "parameter `\(p.name.value)` has a table of values but no `by:` naming its key",
                       zh: "参数 `\(p.name.value)` 的取值是表，但没有写明键的 `by:`", at: p.name.span,
                       help: "add `by: scope` (an enum) or `by: string`", helpZh: "请加上 `by: scope`（枚举）或 `by: string`"))
          continue
        }
        if let enumName = tableEnum, let e = schema.enums[enumName] {
          var table = [Value?](repeating: nil, count: e.cases.count)
          for (key, text) in rows {
            guard let index = e.index(of: key.value) else {
              d.add(.error("unknown-enum-value", "`\(key.value)` is not a value of `\(enumName)`",
                           zh: "`\(key.value)` 不是 `\(enumName)` 的可选值", at: key.span,
                           help: EditDistance.didYouMean(key.value, among: e.cases) ?? "one of: \(e.cases.joined(separator: ", "))",
                           helpZh: EditDistance.didYouMeanZh(key.value, among: e.cases) ?? "可选：\(e.cases.map { "`\($0)`" }.joined(separator: "、"))"))
              continue
            }
            if let value = parse(text, p.type.value, into: &d) { table[index] = value }
          }
          versions.append((dated.from.value, .enumTable(table)))
        } else {
          var table: [String: Value] = [:]
          for (key, text) in rows { if let value = parse(text, p.type.value, into: &d) { table[key.value] = value } }
          versions.append((dated.from.value, .stringTable(table)))
        }
      }
    }
    return CheckedParameter(syntax: p, valueType: valueType, tableEnum: tableEnum, versions: versions)
  }

  /// A parameter value, decoded by the one `FieldDecoder` (the same spellings and number grammar as
  /// facts); the parameter's own codes (`invalid-number`, `expected-bool`) are kept for its messages.
  static func parse(_ text: Located<String>, _ type: Parameter.ValueType, into d: inout DiagnosticBag) -> Value? {
    let s = text.value
    let decoder = FieldDecoder(schema: FactSchema())
    switch type {
    case .money, .number:
      if case .success(let v) = decoder.decodeLiteral(s, .number) { return v }
      d.add(.error("invalid-number", "`\(s)` is not a number", zh: "`\(s)` 不是数", at: text.span,
                   help: "write digits with at most 4 decimals, e.g. 400 or 0.4", helpZh: "请写数字，最多 4 位小数，例如 400 或 0.4"))
    case .months, .days:
      if case .success(.number(let n)) = decoder.decodeLiteral(s, .integer), let whole = n.integerValue, whole >= 0, let count = Int(exactly: whole) {
        return .duration(count, type == .months ? .months : .days)
      }
      d.add(.error("invalid-number", "`\(s)` is not a whole number of \(type.rawValue)",
                   zh: "`\(s)` 不是整数\(type.rawValue == "days" ? "天数" : type.rawValue == "months" ? "月数" : "（`\(type.rawValue)`）")", at: text.span))
    case .date:
      switch decoder.decodeLiteral(s, .date) {
      case .success(let v): return v
      case .failure(let problem): d.add(.error("invalid-date", "`\(s)` is not a date", zh: "`\(s)` 不是日期", at: text.span,
                                              help: problem.help, helpZh: problem.helpZh))
      }
    case .bool:
      if case .success(let v) = decoder.decodeLiteral(s, .bool) { return v }
      d.add(.error("expected-bool", "`\(s)` is not true or false", zh: "`\(s)` 不是 `true` 或 `false`", at: text.span))
    }
    return nil
  }
}
