import PolicyDSL
import PolicySupport
import PolicyValues

/// A parameter with its values parsed and typed.
public struct CheckedParameter: Sendable {
  public enum Version: Sendable {
    case scalar(Value)
    /// Rows by enum case index; nil where the law gives no row.
    case enumTable([Value?])
    case stringTable([String: Value])
  }
  public var syntax: Parameter
  public var name: String { syntax.name.value }
  public var valueType: ExprType
  /// The enum that keys a table, or nil for `by: string` and scalars.
  public var tableEnum: String?
  public var isTable: Bool { syntax.by != nil }
  /// Sorted by date; nil ends the parameter from that date.
  public var versions: [(from: CivilDate, value: Version?)]

  /// The version in force on `date`, or nil (not yet in force, or ended).
  public func version(on date: CivilDate) -> Version? {
    var current: Version?
    for (from, value) in versions {
      if from <= date { current = value } else { break }
    }
    return current
  }
}

public struct CheckedGroup: Sendable {
  public var of: Int
  public var filter: TypedExpr?
  public var by: [TypedExpr]
}

public enum CheckedAmount: Sendable {
  case expression(TypedExpr)
  case undetermined(String)
}

public enum CheckedDue: Sendable {
  case date(TypedExpr)
  case monthly([Int])
}

/// The date the law attaches a rule's entitlement to, and where it was declared.
public struct CheckedEventDate: Sendable {
  public var expr: TypedExpr
  /// True when it is the default of the subject's entity in the fact schema, not the rule's own `dated:`.
  public var fromSchema: Bool
}

/// A rule whose every expression is resolved and typed.
public struct CheckedRule: Sendable {
  public var syntax: Rule
  public var id: String { syntax.id.value }
  public var kind: Rule.Kind { syntax.kind.value }
  /// Entity kind of the subject; for groups, of the members.
  public var subject: Int
  public var group: CheckedGroup?
  public var payee: TypedExpr?
  public var beneficiary: TypedExpr?
  public var conditions: [TypedExpr]
  public var stableEmployment: TypedExpr?
  public var vestsOn: TypedExpr?
  public var vestsUntil: TypedExpr?
  /// The event date when the rule does not vest (`dated:` or the schema's default); nil = `as_of`.
  public var eventDate: CheckedEventDate?
  public var amount: CheckedAmount?
  /// Limit keys in canonical order (`beneficiary`, `payee`, `year`), whatever order the file wrote.
  public var limit: [String]
  /// Required evidence as case indices of the `evidence` enum.
  public var evidence: [Int]
  /// The subject's `evidence` field slot, when it has one.
  public var evidenceSlot: Int?
  public var due: CheckedDue?
  /// Slots of the subject's `start` and `end` (for stable employment).
  public var startSlot: Int?
  public var endSlot: Int?
}

/// A policy file that passed every check.
public struct CheckedPolicy: Sendable {
  public var syntax: PolicyFile
  public var id: String { syntax.id.value }
  public var parameters: [CheckedParameter]
  public var rules: [CheckedRule]
}

/// Everything `eval` needs: the schema and the checked policies.
public struct CheckedPolicySet: Sendable {
  public var schema: FactSchema
  public var policies: [CheckedPolicy]
  public init(schema: FactSchema, policies: [CheckedPolicy]) {
    self.schema = schema
    self.policies = policies
  }
}
