import PolicyCheck
import PolicyValues

/// The state a compiled expression reads: the facts, the current record and the rule's date.
///
/// One context is reused across every subject of a run, so evaluation allocates nothing per subject.
public final class EvalContext {
  public let facts: Facts
  var parameters: [CheckedParameter] = []
  /// Entity kind and index of the record that field paths start from.
  var kind: Int = 0
  var record: Int = 0
  /// The date parameters are valued at: the rule's event date (vesting date, `dated:`), or `as_of`
  /// for rules without one; nil while the event date is not known (a parameter read is then undetermined).
  var date: CivilDate?
  /// The group's key.
  var key: [Value] = []
  /// The current group's aggregate values, by the index compiled into each aggregate node.
  var aggregates: [Value] = []

  /// Each table's columns, held directly so a compiled field read is three array indexings.
  let columns: [[FactColumn]]

  /// The version of parameter `index` in force on `date`, read in place: a read through the array's
  /// subscript copied the whole parameter (its syntax, spans and versions) for every row.
  @inline(__always)
  func version(of index: Int, on date: CivilDate) -> CheckedParameter.Version? {
    parameters.withUnsafeBufferPointer { $0[index].version(on: date) }
  }

  public init(facts: Facts, date: CivilDate) {
    self.facts = facts
    self.date = date
    columns = facts.tables.map(\.columns)
  }

  /// A context whose expressions read `columns` (the columns of `facts` with some cells changed, as
  /// "what would make it payable" tries its changes) rather than the facts' own: only the changed
  /// columns are copied, not the facts. `facts` still gives the records' ids, which do not change.
  init(facts: Facts, columns: [[FactColumn]], date: CivilDate?) {
    self.facts = facts
    self.date = date
    self.columns = columns
  }
}

/// A compiled expression.
public typealias Thunk = @Sendable (EvalContext) -> Value
