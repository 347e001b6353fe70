import PolicyCheck
import PolicySupport
import PolicyValues

/// The facts of one case (or one batch chunk): a table of records per entity kind, in schema slot order.
public struct Facts: Sendable {
  public struct Table: Sendable {
    public var ids: [String] = []
    public var records: [[Value]] = []
    public var index: [String: Int] = [:]
    /// Where each record was written, for messages about it.
    public var spans: [SourceSpan?] = []
    public var count: Int { ids.count }
  }

  public var asOf: CivilDate?
  public var tables: [Table]

  public init(schema: FactSchema) {
    tables = Array(repeating: Table(), count: schema.entities.count)
  }

  /// A value that means the same in any chunk of a batch: an entity becomes its id.
  public func canonical(_ value: Value) -> Value {
    if case .entity = value, let id = id(of: value) { return .string(id) }
    return value
  }

  /// The id of the entity a value refers to, or nil.
  public func id(of value: Value) -> String? {
    if case .entity(let kind, let index) = value, kind < tables.count, index < tables[kind].count { return tables[kind].ids[index] }
    return nil
  }
}
