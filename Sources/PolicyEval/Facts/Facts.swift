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
    /// Where each record was written, for messages about it.
    public var spans: [SourceSpan?] = []
    public var count: Int { ids.count }
    public var width: Int { columns.count }

    /// An empty table with one column per codec (one per field, in slot order).
    public init(codecs: [FactColumn.Codec]) { columns = codecs.map(FactColumn.init) }

    /// An empty table for an entity of `schema`.
    public init(_ entity: FactSchema.Entity, schema: FactSchema) {
      self.init(codecs: entity.fields.map { FactColumn.Codec($0.type, schema: schema) })
    }

    /// An empty table holding what `other` holds, in the same forms.
    public init(like other: Table) { self.init(codecs: other.columns.map(\.codec)) }

    /// A copy of one record's values, in slot order.
    public func record(_ i: Int) -> [Value] { columns.map { $0[i] } }

    public subscript(record record: Int, slot slot: Int) -> Value {
      @inline(__always) get { columns[slot][record] }
      set { columns[slot][record] = newValue }
    }

    /// Sets a cell from its encoded form (`FactColumn.set(_:encoded:as:)`).
    @inline(__always)
    public mutating func set(record: Int, slot: Int, encoded value: Int64, as codec: FactColumn.Codec) {
      columns[slot].set(record, encoded: value, as: codec)
    }

    /// The record whose id is these bytes if there is one; otherwise a new record holding the blank
    /// given to `layOutBlanks` (all null if none was), to be filled in place (the batch decoder
    /// writes cells straight into it). The bytes are hashed once either way, and a `String` is made
    /// only for a new record: the decoder does this for every role of every row, straight from the
    /// CSV cell.
    public mutating func findOrAppendBlank(id: UnsafeBufferPointer<UInt8>) -> (position: Int, isNew: Bool) {
      let next = ids.count
      let (position, isNew) = index.insertIfAbsent(id, position: next)
      guard isNew else { return (position, false) }
      ids.append(String(decoding: id, as: UTF8.self))
      if laidOut > 0 {
        laidOut -= 1
      } else {
        // Without a blank laid out (the batch decoder always lays one out), the record is all null,
        // as `append(id:record:)` pads a short record.
        let blank = laidOutBlank ?? self.blank([])
        for slot in columns.indices { columns[slot].append(blank: blank, slot) }
      }
      spans.append(nil)
      return (position, true)
    }

    /// Blank records already in the columns past `count`: `findOrAppendBlank` takes the next one
    /// instead of appending to every column.
    private var laidOut = 0
    /// The blank they hold, to put back into a record taken back.
    private var laidOutBlank: Blank?

    /// Lays out `n` blank records past the last one, in bulk (a batch chunk's decoder knows how many
    /// records it may need): a new record then costs no append per column. `trimBlanks()` removes
    /// those not taken.
    public mutating func layOutBlanks(_ n: Int, _ blank: Blank) {
      if laidOut > 0 { for slot in columns.indices { columns[slot].removeLast(laidOut) } }
      for slot in columns.indices { columns[slot].append(blank: blank, slot, count: n) }
      laidOut = n
      laidOutBlank = blank
    }

    /// Removes the blank records laid out and not taken, so the columns hold exactly `count` records.
    public mutating func trimBlanks() {
      if laidOut > 0 { for slot in columns.indices { columns[slot].removeLast(laidOut) } }
      laidOut = 0
      laidOutBlank = nil
    }

    /// A new record's values (defaults, else null), in each column's form, made once per run: a new
    /// record then costs no encoding and no reference counting for its encoded columns.
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

    /// Takes back the last record (a batch row rejected after its records were begun).
    public mutating func removeLastRecord() {
      guard let id = ids.popLast() else { return }
      index[id] = nil
      if let blank = laidOutBlank {
        // The record goes back to being the first laid-out blank.
        for slot in columns.indices { columns[slot].reset(ids.count, to: blank, slot) }
        laidOut += 1
      } else {
        for slot in columns.indices { columns[slot].removeLast() }
      }
      spans.removeLast()
    }

    /// Adds a record (its values in slot order; short records are padded with null).
    public mutating func append(id: String, record: [Value], span: SourceSpan?) {
      let position = ids.count
      ids.append(id)
      for slot in columns.indices { columns[slot].append(slot < record.count ? record[slot] : .null) }
      index[id] = position
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
