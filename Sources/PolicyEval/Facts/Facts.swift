import PolicyCheck
import PolicySupport
import PolicyValues

/// The facts of one case (or one batch chunk): a table of records per entity kind, in schema slot order.
public struct Facts: Sendable {
  /// The records of one entity kind, stored flat (`width` values per record) so a field read is one index.
  public struct Table: Sendable {
    public var ids: [String] = []
    public internal(set) var values: [Value] = []
    public let width: Int
    public var index: [String: Int] = [:]
    /// Where each record was written, for messages about it.
    public var spans: [SourceSpan?] = []
    public var count: Int { ids.count }

    public init(width: Int) { self.width = width }

    /// A copy of one record's values, in slot order.
    public func record(_ i: Int) -> [Value] { Array(values[(i * width)..<((i + 1) * width)]) }

    public subscript(record record: Int, slot slot: Int) -> Value {
      get { values[record * width + slot] }
      set { values[record * width + slot] = newValue }
    }

    /// Adds a record of nulls to be filled in place (the batch decoder writes cells straight into it).
    public mutating func appendBlank(id: String, defaults: [Value]) -> Int {
      let position = ids.count
      ids.append(id)
      values.append(contentsOf: defaults)
      index[id] = position
      spans.append(nil)
      return position
    }

    /// Takes back the last record (a batch row rejected after its records were begun).
    public mutating func removeLastRecord() {
      guard let id = ids.popLast() else { return }
      index[id] = nil
      values.removeLast(width)
      spans.removeLast()
    }

    /// Adds a record (its values in slot order; short records are padded with null).
    public mutating func append(id: String, record: [Value], span: SourceSpan?) {
      let position = ids.count
      ids.append(id)
      values.append(contentsOf: record.prefix(width))
      if record.count < width { values.append(contentsOf: repeatElement(.null, count: width - record.count)) }
      index[id] = position
      spans.append(span)
    }
  }

  public var asOf: CivilDate?
  public var tables: [Table]

  public init(schema: FactSchema) {
    tables = schema.entities.map { Table(width: $0.fields.count) }
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
