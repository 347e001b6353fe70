import PolicyCheck
import PolicySupport
import PolicyValues

/// The facts of one case (or one batch chunk): a table of records per entity kind, in schema slot order.
public struct Facts: Sendable {
  /// The records of one entity kind, stored as one `FactColumn` per field (in slot order), so a
  /// field read is one index and the column programs read a field's values without copying them.
  public struct Table: Sendable {
    public var ids: [String] = []
    public private(set) var columns: [FactColumn]
    /// Each id's record.
    public var index = IDIndex()
    /// Where each record was written, for messages about it: one per record of a facts file; none at
    /// all for a batch chunk's records, whose place is their line (`span(of:)` is nil for those).
    public private(set) var spans: [SourceSpan?] = []

    /// Where record `i` was written, nil when it was not read from a facts file.
    @inline(__always)
    public func span(of i: Int) -> SourceSpan? { i < spans.count ? spans[i] : nil }
    public var count: Int { ids.count }
    public var width: Int { columns.count }

    /// An empty table with one column per codec (one per field, in slot order).
    public init(codecs: [FactColumn.Codec]) { columns = codecs.map(FactColumn.init) }

    /// An empty table for an entity of `schema`.
    public init(_ entity: FactSchema.Entity, schema: FactSchema) {
      self.init(codecs: entity.fields.map { FactColumn.Codec($0.type, schema: schema) })
    }

    /// A table of these records (a batch chunk's `Draft`, finished); no record has a span (and no
    /// list of nil spans is made: a chunk's five tables made and freed one per record).
    init(ids: [String], index: IDIndex, columns: [FactColumn]) {
      self.ids = ids
      self.index = index
      self.columns = columns
    }

    /// An empty table holding what `other` holds, in the same forms.
    public init(like other: Table) { self.init(codecs: other.columns.map(\.codec)) }

    /// A copy of one record's values, in slot order.
    public func record(_ i: Int) -> [Value] { columns.map { $0[i] } }

    public subscript(record record: Int, slot slot: Int) -> Value {
      @inline(__always) get { columns[slot][record] }
      set { columns[slot][record] = newValue }
    }

    /// A new record's values (defaults, else null), in each column's form, made once per run: a
    /// `Draft`'s blank records then cost no encoding.
    public struct Blank: Sendable {
      let values: [Value]
      let encoded: [Int64]
      let states: [UInt8]
    }

    /// The blank record of this table's columns holding `defaults` (by slot; missing slots are null).
    public func blank(_ defaults: [Value]) -> Blank {
      let values = columns.indices.map { $0 < defaults.count ? defaults[$0] : .null }
      let encoded = columns.indices.map { FactColumn.encode(values[$0], columns[$0].codec) ?? 0 }
      let states = values.map { $0.isNull ? FactColumn.null : FactColumn.known }
      return Blank(values: values, encoded: encoded, states: states)
    }

    /// Adds a record (its values in slot order; short records are padded with null).
    public mutating func append(id: String, record: [Value], span: SourceSpan?) {
      let position = ids.count
      ids.append(id)
      for slot in columns.indices { columns[slot].append(slot < record.count ? record[slot] : .null) }
      index[id] = position
      // A table made without spans (a batch chunk's) has none to line up with: nils before this one.
      if spans.count < position { spans += repeatElement(nil, count: position - spans.count) }
      spans.append(span)
    }

    /// Room for `n` more records in every column and in the id index, so a chunk's decoding does not
    /// regrow them (rehashing every id at each doubling was 8 % of a batch worker's time).
    public mutating func reserveCapacity(_ n: Int) {
      ids.reserveCapacity(n)
      index.reserveCapacity(n)
      spans.reserveCapacity(n)
      for slot in columns.indices { columns[slot].reserveCapacity(n) }
    }
  }

  public var asOf: CivilDate?
  public var tables: [Table]

  public init(schema: FactSchema) {
    tables = schema.entities.map { Table($0, schema: schema) }
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
