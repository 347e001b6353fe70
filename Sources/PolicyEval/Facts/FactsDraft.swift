import PolicyCheck
import PolicyValues

extension Facts {
  /// The tables of one batch chunk while its rows are decoded into them, record by record, then
  /// turned into `Facts` (`finish`).
  ///
  /// Each column is a run of raw memory with room for every record the chunk may need, so a cell is
  /// one store: written into `FactColumn`'s arrays, each cell paid a copy-on-write check on the table
  /// array, the column array and its values and states (6.6 % of a batch worker, with the retains
  /// around them). A record is made blank (the schema's defaults) when it is first begun, so no
  /// memory is laid out for records the chunk does not use (laying out and trimming every possible
  /// record cost 3 %). `finish` copies each column's records out in one piece.
  ///
  /// Records are found or begun by their id's bytes (`IDIndex`), and the last one begun can be taken
  /// back (a row rejected after its records were begun), becoming a blank again.
  public struct Draft {
    /// Owns the raw memory; the pointers below are its.
    private let storage: Storage
    @usableFromInline let values: UnsafeMutablePointer<Int64>
    @usableFromInline let states: UnsafeMutablePointer<UInt8>
    private let boxed: UnsafeMutablePointer<Value>
    /// Per table, the index of its first column in the per-column lists below, and its width.
    @usableFromInline let firstColumn: [Int]
    private let widths: [Int]
    /// Per column (all tables' columns in one list): its form, whether that is `Value`s, where its
    /// records start in `values`/`states` (an encoded column) or `boxed`, and its blank value
    /// (encoded, its state, and as a value). Plain lists: a cell written costs no comparison of codecs.
    @usableFromInline let codecs: [FactColumn.Codec]
    private let isBoxed: [Bool]
    @usableFromInline let bases: [Int]
    private let blankEncoded: [Int64]
    private let blankStates: [UInt8]
    private let blankValues: [Value]
    /// Columns that were given a value with no encoded form (never by the batch decoder, but nothing
    /// written may be lost, as in `FactColumn`): from then on they hold `Value`s here.
    @usableFromInline var converted: [Int: [Value]] = [:] { didSet { hasConverted = !converted.isEmpty } }
    @usableFromInline var hasConverted = false
    private let capacities: [Int]
    @usableFromInline var ids: [[String]]
    private var indexes: [IDIndex]
    /// The records `beginAnother` began (rare: a few a chunk at most), each with the record its id
    /// found before, which `removeLast` restores.
    private var shadowed: [(table: Int, record: Int, existing: Int)] = []

    /// Tables like `tables` (their columns' forms), empty, with room for `capacities[t]` records of
    /// table `t`, each starting as `blanks[t]`.
    public init(like tables: [Table], capacities: [Int], blanks: [Table.Blank]) {
      precondition(tables.count == capacities.count && tables.count == blanks.count)
      var firstColumn: [Int] = [], widths: [Int] = [], codecs: [FactColumn.Codec] = [], isBoxed: [Bool] = [], bases: [Int] = []
      var blankEncoded: [Int64] = [], blankStates: [UInt8] = [], blankValues: [Value] = []
      var boxedColumns: [(base: Int, table: Int)] = []
      var encodedCount = 0, boxedCount = 0
      for (t, table) in tables.enumerated() {
        firstColumn.append(codecs.count)
        widths.append(table.columns.count)
        for (slot, column) in table.columns.enumerated() {
          codecs.append(column.codec)
          isBoxed.append(!column.isEncoded)
          blankEncoded.append(blanks[t].encoded[slot])
          blankStates.append(blanks[t].states[slot])
          blankValues.append(blanks[t].values[slot])
          if column.isEncoded {
            bases.append(encodedCount)
            encodedCount += capacities[t]
          } else {
            bases.append(boxedCount)
            boxedColumns.append((boxedCount, t))
            boxedCount += capacities[t]
          }
        }
      }
      storage = Storage(encoded: encodedCount, boxed: boxedCount, tables: tables.count, boxedColumns: boxedColumns)
      values = storage.values
      states = storage.states
      boxed = storage.boxed
      self.firstColumn = firstColumn
      self.widths = widths
      self.codecs = codecs
      self.isBoxed = isBoxed
      self.bases = bases
      self.blankEncoded = blankEncoded
      self.blankStates = blankStates
      self.blankValues = blankValues
      self.capacities = capacities
      ids = capacities.map { n in
        var ids: [String] = []
        ids.reserveCapacity(n)
        return ids
      }
      indexes = capacities.map { n in
        var index = IDIndex()
        index.reserveCapacity(n)
        return index
      }
    }

    /// The records of table `t` so far.
    public func count(_ t: Int) -> Int { ids[t].count }

    public func id(_ t: Int, _ record: Int) -> String { ids[t][record] }

    /// The record of table `t` whose id is these bytes if there is one; otherwise a new record,
    /// blank. The bytes are hashed once either way, and a `String` is made only for a new record.
    @inline(__always)
    public mutating func findOrBegin(_ t: Int, id: UnsafeBufferPointer<UInt8>) -> (position: Int, isNew: Bool) {
      let next = ids[t].count
      precondition(next < capacities[t], "a chunk's draft has no room for another record")
      let (position, isNew) = indexes[t].insertIfAbsent(id, position: next)
      guard isNew else { return (position, false) }
      ids[t].append(String(decoding: id, as: UTF8.self))
      makeBlank(t, next)
      return (position, true)
    }

    /// Begins another record of table `t` with the id of record `existing`, blank, and returns its
    /// position; the id now finds it (`findOrBegin`), not `existing`, until it is taken back. The batch
    /// decoder begins one when a row gives a person of the chunk another ID number: that row's claim
    /// is its own, judged in file order at the merge as if the row had begun a chunk.
    public mutating func beginAnother(_ t: Int, sameIDAs existing: Int) -> Int {
      let next = ids[t].count
      precondition(next < capacities[t], "a chunk's draft has no room for another record")
      let id = ids[t][existing]
      ids[t].append(id)
      indexes[t][id] = next
      shadowed.append((t, next, existing))
      makeBlank(t, next)
      return next
    }

    /// Makes record `next` of table `t` blank, unless it is a record taken back, already blank.
    @inline(__always)
    private func makeBlank(_ t: Int, _ next: Int) {
      // A record taken back was made blank again; one never begun is made blank now.
      if next == storage.begun[t] {
        storage.begun[t] = next + 1
        let first = firstColumn[t]
        for column in first..<first + widths[t] {
          let i = bases[column] + next
          if isBoxed[column] {
            (boxed + i).initialize(to: blankValues[column])
          } else {
            values[i] = blankEncoded[column]
            states[i] = blankStates[column]
          }
        }
      }
    }

    /// Takes back table `t`'s last record, which becomes a blank again.
    public mutating func removeLast(_ t: Int) {
      guard let id = ids[t].last else { return }
      let record = ids[t].count - 1
      for slot in 0..<widths[t] { self[t, record, slot] = blankValues[firstColumn[t] + slot] }
      ids[t].removeLast()
      // A record begun by `beginAnother`: its id finds the record it stood in for again.
      if let s = shadowed.lastIndex(where: { $0.table == t && $0.record == record }) {
        indexes[t][id] = shadowed[s].existing
        shadowed.remove(at: s)
      } else {
        indexes[t][id] = nil
      }
    }

    /// Sets a cell of a record begun from its encoded form (`FieldDecoder.decodeFixedWidth`). The
    /// column must be of that form, as every column of the field's type is
    /// (`FactColumn.Codec(type:schema:)`): the codec is not compared per cell. Inlinable: the batch
    /// decoder calls it from another module for most cells of every row.
    @inlinable
    public mutating func set(_ t: Int, _ record: Int, _ slot: Int, encoded value: Int64, as codec: FactColumn.Codec) {
      let column = firstColumn[t] + slot
      assert(codecs[column] == codec, "a cell encoded as \(codec) for a column of \(codecs[column])")
      assert(record < ids[t].count, "record \(record) of \(ids[t].count) not begun")
      guard !hasConverted || converted[column] == nil else {
        self[t, record, slot] = FactColumn.decode(value, codec)
        return
      }
      let i = bases[column] + record
      values[i] = value
      states[i] = FactColumn.known
    }

    /// Where the records of an encoded column of table `t` are (record `i` at `values[i]`, `states[i]`),
    /// for a decoder that writes a column's cells from values it decoded beforehand; nil for a column
    /// of `Value`s or one converted to them. Valid while the draft lives and `hasConverted` is false
    /// (a conversion moves the column's records out of this memory).
    public func encodedColumn(_ t: Int, _ slot: Int) -> (values: UnsafeMutablePointer<Int64>, states: UnsafeMutablePointer<UInt8>)? {
      let column = firstColumn[t] + slot
      guard !isBoxed[column], !hasConverted || converted[column] == nil else { return nil }
      return (values + bases[column], states + bases[column])
    }

    /// Whether a column was converted to `Value`s (then `encodedColumn` of it is nil, and pointers
    /// taken before are stale).
    @inlinable public var hasConvertedColumns: Bool { hasConverted }

    /// The encoded form of a cell of an encoded column, nil when it is null.
    @inline(__always)
    public func encoded(_ t: Int, _ record: Int, _ slot: Int) -> Int64? {
      let column = firstColumn[t] + slot
      guard !isBoxed[column], !hasConverted || converted[column] == nil else {
        let value = self[t, record, slot]
        return value.isNull ? nil : FactColumn.encode(value, codecs[column])
      }
      let i = bases[column] + record
      return states[i] == FactColumn.known ? values[i] : nil
    }

    /// One cell of a record begun, as a `Value`.
    public subscript(t: Int, record: Int, slot: Int) -> Value {
      get {
        precondition(record < ids[t].count, "record \(record) of \(ids[t].count) not begun")
        let column = firstColumn[t] + slot
        if hasConverted, let held = converted[column] { return held[record] }
        let i = bases[column] + record
        if isBoxed[column] { return boxed[i] }
        return states[i] == FactColumn.known ? FactColumn.decode(values[i], codecs[column]) : .null
      }
      set {
        precondition(record < ids[t].count, "record \(record) of \(ids[t].count) not begun")
        let column = firstColumn[t] + slot
        if hasConverted, converted[column] != nil {
          converted[column]![record] = newValue
          return
        }
        let i = bases[column] + record
        if isBoxed[column] {
          boxed[i] = newValue
        } else if let v = FactColumn.encode(newValue, codecs[column]) {
          values[i] = v
          states[i] = newValue.isNull ? FactColumn.null : FactColumn.known
        } else {
          // Records not begun yet are blank: they take the blank's value.
          var held = (0..<capacities[t]).map { $0 < ids[t].count ? self[t, $0, slot] : blankValues[column] }
          held[record] = newValue
          converted[column] = held
        }
      }
    }

    /// The tables: each column holds the records begun (and not taken back), in order. A column of
    /// `Value`s has its records moved out, not copied (no retain and release of each), so the draft
    /// is consumed.
    public consuming func finish() -> [Table] {
      capacities.indices.map { t in
        let n = ids[t].count
        let first = firstColumn[t]
        let built = (first..<first + widths[t]).map { column -> FactColumn in
          if let held = converted[column] { return FactColumn(boxed: Array(held[..<n])) }
          let base = bases[column]
          if isBoxed[column] {
            return FactColumn(boxed: Array(unsafeUninitializedCapacity: n) { out, initialized in
              if n > 0 { out.baseAddress!.moveInitialize(from: boxed + base, count: n) }
              initialized = n
            })
          }
          return FactColumn(codecs[column], values: Array(UnsafeBufferPointer(start: values + base, count: n)),
                            states: Array(UnsafeBufferPointer(start: states + base, count: n)))
        }
        storage.moved[t] = n
        return Table(ids: ids[t], index: indexes[t], columns: built)
      }
    }

    /// The draft's memory, freed with the last copy of the draft.
    private final class Storage {
      let values: UnsafeMutablePointer<Int64>
      let states: UnsafeMutablePointer<UInt8>
      let boxed: UnsafeMutablePointer<Value>
      /// Per table: how many records were ever begun (their `Value`s are initialized), and how many
      /// of those `finish` moved out (the others are destroyed here).
      let begun: UnsafeMutablePointer<Int>
      let moved: UnsafeMutablePointer<Int>
      /// Each column of `Value`s: where its records start, and its table.
      let boxedColumns: [(base: Int, table: Int)]

      init(encoded: Int, boxed: Int, tables: Int, boxedColumns: [(base: Int, table: Int)]) {
        values = .allocate(capacity: max(encoded, 1))
        states = .allocate(capacity: max(encoded, 1))
        self.boxed = .allocate(capacity: max(boxed, 1))
        begun = .allocate(capacity: max(tables, 1))
        begun.initialize(repeating: 0, count: max(tables, 1))
        moved = .allocate(capacity: max(tables, 1))
        moved.initialize(repeating: 0, count: max(tables, 1))
        self.boxedColumns = boxedColumns
      }

      deinit {
        for (base, t) in boxedColumns {
          // The records moved out are uninitialized: destroy the rest.
          (boxed + base + moved[t]).deinitialize(count: begun[t] - moved[t])
        }
        boxed.deallocate()
        values.deallocate()
        states.deallocate()
        begun.deallocate()
        moved.deallocate()
      }
    }
  }
}
