import PolicyCheck
import PolicyValues

/// Renders values for explanations: enum cases by name, entities by id, money with fen.
struct ValueRenderer {
  let schema: FactSchema
  let facts: Facts

  func render(_ value: Value) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return n.description
    case .date(let d): return d.description
    case .string(let s): return s
    case .code(let c): return c.description
    case .enumCase(let i): return "#\(i)"
    case .entity: return facts.id(of: value) ?? "?"
    case .list(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
    case .duration(let n, let unit): return "\(n) \(unit.rawValue)"
    case .undetermined(let why): return "undetermined (\(why))"
    }
  }

  /// Like `render`, naming enum cases through the expression's type.
  func render(_ value: Value, as type: ExprType) -> String {
    switch (value, type) {
    case (.enumCase(let i), .enumeration(let name)):
      return schema.enums[name].flatMap { i < $0.cases.count ? $0.cases[i] : nil } ?? "#\(i)"
    case (.list(let items), .list(let inner)):
      return "[" + items.map { render($0, as: inner) }.joined(separator: ", ") + "]"
    default:
      return render(value)
    }
  }
}
