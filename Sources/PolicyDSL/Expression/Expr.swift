import PolicySupport
import PolicyValues

/// A parsed expression from a condition or amount string. Names are not resolved yet.
public indirect enum ExprKind: Sendable, Equatable {
  case number(Fixed)
  case string(String)
  case bool(Bool)
  case null
  case date(CivilDate)
  case duration(Int, DurationUnit)
  /// A dotted path: a field path (`person.hukou`), a parameter (`param.cap`) or an enum value (`in_county`).
  case path([String])
  case list([Expr])
  case unary(UnaryOperator, Expr)
  case binary(BinaryOperator, Expr, Expr)
  case call(String, [Expr])
  case index(Expr, Expr)
  case conditional(Expr, Expr, Expr)
}

extension ExprKind {
  /// The direct sub-expressions, in source order.
  public var children: [Expr] {
    switch self {
    case .number, .string, .bool, .null, .date, .duration, .path: []
    case .list(let items): items
    case .unary(_, let operand): [operand]
    case .binary(_, let l, let r): [l, r]
    case .call(_, let arguments): arguments
    case .index(let base, let key): [base, key]
    case .conditional(let c, let a, let b): [c, a, b]
    }
  }
}

public enum DurationUnit: String, Sendable, Equatable { case days, months, years }

public enum UnaryOperator: String, Sendable, Equatable { case not, negate = "-" }

public enum BinaryOperator: String, Sendable, Equatable, CaseIterable {
  case or, and
  case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
  case `in`
  case plus = "+", minus = "-", times = "*", divide = "/"

  public var isComparison: Bool {
    switch self {
    case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
    default: false
    }
  }
}

/// An expression node with its place in the policy file.
public struct Expr: Sendable, Equatable {
  public var kind: ExprKind
  public var span: SourceSpan
  /// The exact source text of this node, shown in explanations ("person.poverty_status == alleviated").
  public var text: String
  /// Where the node starts inside its expression string (Unicode scalars).
  public var offset: Int
  /// Levels in the longest path from this node to a leaf (a leaf is 1). The parser keeps it at
  /// most `ExprNesting.maximum`, so every stage that walks the tree recursively has a bounded stack.
  public internal(set) var depth: Int

  public init(_ kind: ExprKind, span: SourceSpan, text: String, offset: Int = 0) {
    self.kind = kind
    self.span = span
    self.text = text
    self.offset = offset
    self.depth = 1 + (kind.children.map(\.depth).max() ?? 0)
  }

  public static func == (a: Expr, b: Expr) -> Bool { a.kind == b.kind }
}
