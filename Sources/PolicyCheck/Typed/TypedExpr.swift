import PolicyDSL
import PolicyValues

/// A type-checked expression: names resolved to field slots, parameters and enum cases.
public indirect enum TExpr: Sendable {
  case constant(Value)
  /// Read a field by following `steps` from the rule's subject (or a group member).
  case field([FieldStep])
  /// A scalar parameter, valued at the rule's date.
  case parameter(Int)
  /// A row of a table parameter.
  case tableLookup(parameter: Int, key: TypedExpr)
  case unary(UnaryOperator, TypedExpr)
  case binary(BinaryOperator, TypedExpr, TypedExpr)
  case call(Builtin, [TypedExpr])
  case conditional(TypedExpr, TypedExpr, TypedExpr)
  case list([TypedExpr])
  /// An aggregate over the members of a group subject.
  case aggregate(Aggregate, TypedExpr?)
  case groupKey(Int)
}

/// One step of a field path: read `slot` of the current record of entity kind `entity`.
public struct FieldStep: Sendable, Hashable {
  public var entity: Int
  public var slot: Int
  public init(entity: Int, slot: Int) {
    self.entity = entity
    self.slot = slot
  }
}

public enum Builtin: String, Sendable, CaseIterable {
  case min, max, year, scope, within
  case isNull = "is_null", present
  /// `start_of_year(2019)` = 2019-01-01, `end_of_year(2019)` = 2019-12-31, `date(2016, 9, 1)`: event dates
  /// of facts recorded by year (an income year, a school year).
  case startOfYear = "start_of_year", endOfYear = "end_of_year", date
}

public enum Aggregate: String, Sendable, CaseIterable {
  case count, countDistinct = "count_distinct", sum, minOf = "min_of", maxOf = "max_of"
}

/// A node of the typed tree with its type and the source it came from (for explanations).
public struct TypedExpr: Sendable {
  public var node: TExpr
  public var type: ExprType
  public var source: Expr
  public init(_ node: TExpr, _ type: ExprType, _ source: Expr) {
    self.node = node
    self.type = type
    self.source = source
  }
}
