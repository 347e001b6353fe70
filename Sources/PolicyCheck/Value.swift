import PolicyDSL
import PolicyValues

/// A runtime value of a fact, a parameter or an expression.
public enum Value: Hashable, Sendable {
  case null
  case bool(Bool)
  case number(Fixed)
  case date(CivilDate)
  case string(String)
  case code(DivisionCode)
  /// A case of an enum, by its index in the schema's case list.
  case enumCase(Int)
  /// An entity, by its index in its kind's table of facts.
  case entity(kind: Int, index: Int)
  case list([Value])
  case duration(Int, DurationUnit)
  /// The law gives no value here (a missing table row, an ended parameter): the reason.
  case undetermined(Undetermined)

  public var isNull: Bool { if case .null = self { true } else { false } }
  public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
  public var number: Fixed? { if case .number(let n) = self { n } else { nil } }
  public var date: CivilDate? { if case .date(let d) = self { d } else { nil } }
}
