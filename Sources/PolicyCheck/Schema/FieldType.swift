import PolicyDSL

/// The type of a fact field as the schema declares it.
public indirect enum FieldType: Hashable, Sendable, CustomStringConvertible {
  case id, string, bool, number, money, integer, date, code, idNumber
  case enumeration(String)
  case reference(String)
  case list(FieldType)

  /// Text a person typed (an id, a name, a reference), which must hold no control character.
  public var isText: Bool {
    switch self {
    case .id, .string, .reference: true
    default: false
    }
  }

  /// Parses `enum(poverty_status)`, `ref(person)`, `list(evidence)`, `money`…
  public static func parse(_ text: String) -> FieldType? {
    switch text {
    case "id": return .id
    case "string": return .string
    case "bool": return .bool
    case "number": return .number
    case "money": return .money
    case "integer": return .integer
    case "date": return .date
    case "code": return .code
    case "id_number": return .idNumber
    default: break
    }
    func inner(_ prefix: String) -> String? {
      guard text.hasPrefix(prefix + "("), text.hasSuffix(")") else { return nil }
      return String(text.dropFirst(prefix.count + 1).dropLast())
    }
    if let name = inner("enum") { return .enumeration(name) }
    if let name = inner("ref") { return .reference(name) }
    if let name = inner("list") { return FieldType.parse(name).map { .list($0) } ?? .list(.enumeration(name)) }
    return nil
  }

  public var description: String {
    switch self {
    case .id: "id"
    case .string: "string"
    case .bool: "bool"
    case .number: "number"
    case .money: "money"
    case .integer: "integer"
    case .date: "date"
    case .code: "code"
    case .idNumber: "id_number"
    case .enumeration(let n): "enum(\(n))"
    case .reference(let n): "ref(\(n))"
    case .list(let t): "list(\(t))"
    }
  }

  /// The type an expression sees when it reads the field.
  public var exprType: ExprType {
    switch self {
    case .id, .string, .idNumber: .string
    case .bool: .bool
    case .number, .money, .integer: .number
    case .date: .date
    case .code: .code
    case .enumeration(let n): .enumeration(n)
    case .reference(let n): .entity(n)
    case .list(let t): .list(t.exprType)
    }
  }
}

/// The type of an expression.
public indirect enum ExprType: Hashable, Sendable, CustomStringConvertible {
  case bool, number, date, string, code
  case duration(DurationUnit)
  case enumeration(String)
  case entity(String)
  case list(ExprType)
  /// The type of `null` and of an empty list's elements: fits anything.
  case any

  public var description: String {
    switch self {
    case .bool: "bool"
    case .number: "number"
    case .date: "date"
    case .string: "text"
    case .code: "division code"
    case .duration(let u): "duration in \(u.rawValue)"
    case .enumeration(let n): "`\(n)` value"
    case .entity(let n): "`\(n)`"
    case .list(let t): "list of \(t)"
    case .any: "any"
    }
  }

  /// The type in Chinese, for diagnostics: "日期", "`scope` 枚举值", "文本列表".
  public var zh: String {
    switch self {
    case .bool: "是非值"
    case .number: "数"
    case .date: "日期"
    case .string: "文本"
    case .code: "行政区划代码"
    case .duration(let u): u == .days ? "天数" : u == .months ? "月数" : "年数"
    case .enumeration(let n): "`\(n)` 枚举值"
    case .entity(let n): "`\(n)`"
    case .list(let t): "\(t.zh)列表"
    case .any: "任意值"
    }
  }

  /// Whether a value of `other` may stand where `self` is expected.
  public func accepts(_ other: ExprType) -> Bool {
    if self == other || self == .any || other == .any { return true }
    switch (self, other) {
    case (.code, .string), (.string, .code): return true
    case (.list(let a), .list(let b)): return a.accepts(b)
    default: return false
    }
  }
}
