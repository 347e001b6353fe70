import PolicyCheck
import PolicyValues

extension Facts {
  /// The tables of one batch chunk while its rows are decoded into them, record by record, then
  /// turned into `Facts` (`finish`).
  ///
  /// Each table's records are laid out one after the other in raw memory with room for every record
  /// the chunk may need: a record is its encoded cells (an `Int64` each), then their state bytes, then
  /// padding to eight bytes; its `Value`s (text) are a run of their own, record after record. So a
  /// record begun is one copy of the table's prepared blank into one or two cache lines, and its cells
  /// are stored into those same lines. Laid out a column at a time (a run of every record per column),
  /// each record began by writing into two streams per column: ~50 streams, the values' 8 KB apart
  /// (1,024 rows a chunk), all in one set of the first-level cache. Beginning records was 6.5 % of a
  /// batch's CPU, now 2.5 %, and a chunk decodes 6 % faster, gathering the columns at the end
  /// included (1.6 %). A cell is still one store (written into `FactColumn`'s arrays, each cell paid
  /// a copy-on-write check on the table array, the column array and its values and states). A record
  /// is made blank when it is first begun, so no memory is laid out for records the chunk does not
  /// use. `finish` turns the records into columns once, a tile of records at a time (`gather`).
  ///
  /// Records are found or begun by their id's bytes (`IDIndex`), and the last one begun can be taken
  /// back (a row rejected after its records were begun), becoming a blank again.
  public struct Draft {
    /// Owns the raw memory; the pointers below are its.
    private let storage: Storage
    /// Per table: where its records are and how they are laid out.
    @usableFromInline let tables: [TablePlace]
    /// Per column (all tables' columns in one list, table `t`'s from `tables[t].firstColumn`): where
    /// its cell is in a record, its form, whether that is `Value`s, and its blank value. Plain lists:
    /// a cell written costs no comparison of codecs.
    @usableFromInline let places: [ColumnPlace]
    @usableFromInline let codecs: [FactColumn.Codec]
    private let isBoxed: [Bool]
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

    /// One table's records: record `i`'s encoded cells at `records + i * stride`, its `Value`s at
    /// `boxed + i * boxedWidth`; its blank, the same way; its columns in the per-column lists.
    @usableFromInline struct TablePlace {
      @usableFromInline let records: UnsafeMutableRawPointer
      @usableFromInline let stride: Int
      let boxed: UnsafeMutablePointer<Value>
      let boxedWidth: Int
      let blankRecord: UnsafeRawPointer
      let blankBoxed: UnsafePointer<Value>
      /// Whether every `Value` of the blank is null (the text columns' defaults): then a record's are
      /// stored as null, not copied one by one (an outlined copy of each, 0.6 % of a batch).
      let blankBoxedIsNull: Bool
      @usableFromInline let firstColumn: Int
      let width: Int
    }

    /// Where a column's cell is in its table's records: for an encoded column, the byte offsets of its
    /// value and of its state in a record; for a column of `Value`s, its index among them (`value`).
    @usableFromInline struct ColumnPlace {
      @usableFromInline let value: Int
      @usableFromInline let state: Int
    }

    /// Where an encoded column's cells are: record `i`'s value at `values + i * stride`, its state at
    /// `states + i * stride`.
    public struct EncodedColumn {
      public let values: UnsafeMutableRawPointer
      public let states: UnsafeMutableRawPointer
      public let stride: Int

      /// Stores a known value into record `record`'s cell.
      @inlinable @inline(__always)
      public func store(_ value: Int64, at record: Int) {
        (values + record &* stride).storeBytes(of: value, as: Int64.self)
        (states + record &* stride).storeBytes(of: FactColumn.known, as: UInt8.self)
      }
    }

    /// Tables like `tables` (their columns' forms), empty, with room for `capacities[t]` records of
    /// table `t`, each starting as `blanks[t]`.
    public init(like tables: [Table], capacities: [Int], blanks: [Table.Blank]) {
      precondition(tables.count == capacities.count && tables.count == blanks.count)
      var codecs: [FactColumn.Codec] = [], isBoxed: [Bool] = [], blankValues: [Value] = [], places: [ColumnPlace] = []
      // Per table: its encoded and boxed widths, where its records start in the two regions, and its record's size.
      var layouts: [(encoded: Int, boxed: Int, recordsAt: Int, boxedAt: Int, stride: Int)] = []
      var recordBytes = 0, boxedCount = 0
      for (t, table) in tables.enumerated() {
        let encodedWidth = table.columns.lazy.filter(\.isEncoded).count
        let boxedWidth = table.columns.count - encodedWidth
        // The values, then a state byte per value, padded so the next record's values are aligned.
        let stride = (encodedWidth * 9 + 7) & ~7
        var e = 0, b = 0
        for (slot, column) in table.columns.enumerated() {
          codecs.append(column.codec)
          isBoxed.append(!column.isEncoded)
          blankValues.append(blanks[t].values[slot])
          if column.isEncoded {
            places.append(ColumnPlace(value: e * 8, state: encodedWidth * 8 + e))
            e += 1
          } else {
            places.append(ColumnPlace(value: b, state: 0))
            b += 1
          }
        }
        layouts.append((encodedWidth, boxedWidth, recordBytes, boxedCount, stride))
        // Each table's records start on a cache line.
        recordBytes += (capacities[t] * stride + 63) & ~63
        boxedCount += capacities[t] * boxedWidth
      }
      let blankBytes = layouts.reduce(0) { $0 + $1.stride }, blankBoxedCount = layouts.reduce(0) { $0 + $1.boxed }
      storage = Storage(recordBytes: recordBytes, boxed: boxedCount, blankBytes: blankBytes, blankBoxed: blankBoxedCount,
                        boxedTables: layouts.map { ($0.boxedAt, $0.boxed) })
      var tablePlaces: [TablePlace] = []
      var blankAt = 0, blankBoxedAt = 0, first = 0
      for (t, table) in tables.enumerated() {
        let layout = layouts[t]
        let blankRecord = storage.blankRecords + blankAt, blankBoxed = storage.blankBoxed + blankBoxedAt
        for slot in table.columns.indices {
          let place = places[first + slot]
          if table.columns[slot].isEncoded {
            blankRecord.storeBytes(of: blanks[t].encoded[slot], toByteOffset: place.value, as: Int64.self)
            blankRecord.storeBytes(of: blanks[t].states[slot], toByteOffset: place.state, as: UInt8.self)
          } else {
            (blankBoxed + place.value).initialize(to: blanks[t].values[slot])
          }
        }
        tablePlaces.append(TablePlace(records: storage.records + layout.recordsAt, stride: layout.stride,
                                  boxed: storage.boxed + layout.boxedAt, boxedWidth: layout.boxed,
                                  blankRecord: UnsafeRawPointer(blankRecord), blankBoxed: UnsafePointer(blankBoxed),
                                  blankBoxedIsNull: table.columns.indices.allSatisfy { table.columns[$0].isEncoded || blanks[t].values[$0].isNull },
                                  firstColumn: first, width: table.columns.count))
        blankAt += layout.stride
        blankBoxedAt += layout.boxed
        first += table.columns.count
      }
      self.tables = tablePlaces
      self.places = places
      self.codecs = codecs
      self.isBoxed = isBoxed
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

    /// Makes record `next` of table `t` blank, unless it is a record taken back, already blank: one
    /// copy of the table's blank record, and its `Value`s.
    @inline(__always)
    private func makeBlank(_ t: Int, _ next: Int) {
      // A record taken back was made blank again; one never begun is made blank now.
      guard next == storage.begun[t] else { return }
      storage.begun[t] = next + 1
      let table = tables[t]
      (table.records + next * table.stride).copyMemory(from: table.blankRecord, byteCount: table.stride)
      if table.boxedWidth > 0 {
        let cells = table.boxed + next * table.boxedWidth
        if table.blankBoxedIsNull {
          cells.initialize(repeating: .null, count: table.boxedWidth)
        } else {
          cells.initialize(from: table.blankBoxed, count: table.boxedWidth)
        }
      }
    }

    /// Takes back table `t`'s last record, which becomes a blank again.
    public mutating func removeLast(_ t: Int) {
      guard let id = ids[t].last else { return }
      let record = ids[t].count - 1
      for slot in 0..<tables[t].width { self[t, record, slot] = blankValues[tables[t].firstColumn + slot] }
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
      let table = tables[t]
      let column = table.firstColumn + slot
      assert(codecs[column] == codec, "a cell encoded as \(codec) for a column of \(codecs[column])")
      assert(record < ids[t].count, "record \(record) of \(ids[t].count) not begun")
      guard !hasConverted || converted[column] == nil else {
        self[t, record, slot] = FactColumn.decode(value, codec)
        return
      }
      let place = places[column], cells = table.records + record * table.stride
      cells.storeBytes(of: value, toByteOffset: place.value, as: Int64.self)
      cells.storeBytes(of: FactColumn.known, toByteOffset: place.state, as: UInt8.self)
    }

    /// Where the records' cells of an encoded column of table `t` are, for a decoder that writes a
    /// column's cells from values it decoded beforehand; nil for a column of `Value`s or one converted
    /// to them. Valid while the draft lives and `hasConverted` is false (a conversion moves the
    /// column's records out of this memory).
    public func encodedColumn(_ t: Int, _ slot: Int) -> EncodedColumn? {
      let table = tables[t], column = table.firstColumn + slot
      guard !isBoxed[column], !hasConverted || converted[column] == nil else { return nil }
      return EncodedColumn(values: table.records + places[column].value, states: table.records + places[column].state, stride: table.stride)
    }

    /// Whether a column was converted to `Value`s (then `encodedColumn` of it is nil, and pointers
    /// taken before are stale).
    @inlinable public var hasConvertedColumns: Bool { hasConverted }

    /// The encoded form of a cell of an encoded column, nil when it is null.
    @inline(__always)
    public func encoded(_ t: Int, _ record: Int, _ slot: Int) -> Int64? {
      let table = tables[t], column = table.firstColumn + slot
      guard !isBoxed[column], !hasConverted || converted[column] == nil else {
        let value = self[t, record, slot]
        return value.isNull ? nil : FactColumn.encode(value, codecs[column])
      }
      let place = places[column], cells = table.records + record * table.stride
      return cells.load(fromByteOffset: place.state, as: UInt8.self) == FactColumn.known ? cells.load(fromByteOffset: place.value, as: Int64.self) : nil
    }

    /// One cell of a record begun, as a `Value`.
    public subscript(t: Int, record: Int, slot: Int) -> Value {
      get {
        precondition(record < ids[t].count, "record \(record) of \(ids[t].count) not begun")
        let table = tables[t], column = table.firstColumn + slot
        if hasConverted, let held = converted[column] { return held[record] }
        let place = places[column]
        if isBoxed[column] { return table.boxed[record * table.boxedWidth + place.value] }
        let cells = table.records + record * table.stride
        return cells.load(fromByteOffset: place.state, as: UInt8.self) == FactColumn.known
          ? FactColumn.decode(cells.load(fromByteOffset: place.value, as: Int64.self), codecs[column]) : .null
      }
      set {
        precondition(record < ids[t].count, "record \(record) of \(ids[t].count) not begun")
        let table = tables[t], column = table.firstColumn + slot
        if hasConverted, converted[column] != nil {
          converted[column]![record] = newValue
          return
        }
        let place = places[column]
        if isBoxed[column] {
          table.boxed[record * table.boxedWidth + place.value] = newValue
        } else if let v = FactColumn.encode(newValue, codecs[column]) {
          let cells = table.records + record * table.stride
          cells.storeBytes(of: v, toByteOffset: place.value, as: Int64.self)
          cells.storeBytes(of: newValue.isNull ? FactColumn.null : FactColumn.known, toByteOffset: place.state, as: UInt8.self)
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
      tables.indices.map { t in
        let n = ids[t].count
        let table = tables[t]
        let columns = table.firstColumn..<table.firstColumn + table.width
        var gathered = gather(table, columns.filter { !isBoxed[$0] && converted[$0] == nil }, n)[...]
        let built = columns.map { column -> FactColumn in
          if let held = converted[column] { return FactColumn(boxed: Array(held[..<n])) }
          if isBoxed[column] {
            let width = table.boxedWidth, from = table.boxed + places[column].value
            return FactColumn(boxed: Array(unsafeUninitializedCapacity: n) { out, initialized in
              for i in 0..<n { (out.baseAddress! + i).moveInitialize(from: from + i * width, count: 1) }
              initialized = n
            })
          }
          let (values, states) = gathered.removeFirst()
          return FactColumn(codecs[column], values: values, states: states)
        }
        storage.moved[t] = n
        return Table(ids: ids[t], index: indexes[t], columns: built)
      }
    }

    /// The first `n` records' cells of these encoded columns of a table, a list of values and one of
    /// states per column, gathered a tile of records at a time: a record's cells are read while its
    /// lines are in the first-level cache. Gathered a column at a time over all the chunk's records,
    /// each column read every record's lines again from the second-level cache (2 % of a batch).
    private func gather(_ table: TablePlace, _ columns: [Int], _ n: Int) -> [(values: [Int64], states: [UInt8])] {
      guard n > 0 else { return columns.map { _ in ([], []) } }
      var out: [(values: [Int64], states: [UInt8])] = columns.map { _ in ([], []) }
      var valueOut: [UnsafeMutablePointer<Int64>] = [], stateOut: [UnsafeMutablePointer<UInt8>] = []
      let valueAt = columns.map { places[$0].value }, stateAt = columns.map { places[$0].state }
      // Every column's lists are made (uninitialized) one inside the other, so all are open at once.
      func open(_ k: Int) {
        guard k < columns.count else {
          let stride = table.stride, tile = 64
          for start in Swift.stride(from: 0, to: n, by: tile) {
            let end = min(start + tile, n)
            for c in columns.indices {
              let values = table.records + valueAt[c], states = table.records + stateAt[c], v = valueOut[c], s = stateOut[c]
              for i in start..<end {
                v[i] = (values + i &* stride).load(as: Int64.self)
                s[i] = (states + i &* stride).load(as: UInt8.self)
              }
            }
          }
          return
        }
        var states: [UInt8] = []
        let values = [Int64](unsafeUninitializedCapacity: n) { v, valueCount in
          states = [UInt8](unsafeUninitializedCapacity: n) { s, stateCount in
            valueOut.append(v.baseAddress!)
            stateOut.append(s.baseAddress!)
            open(k + 1)
            stateCount = n
          }
          valueCount = n
        }
        out[k] = (values, states)
      }
      open(0)
      return out
    }

    /// The draft's memory, freed with the last copy of the draft.
    private final class Storage {
      /// Every table's records (`TablePlace`), and its blank record.
      let records: UnsafeMutableRawPointer
      let blankRecords: UnsafeMutableRawPointer
      /// Every table's records' `Value`s, and its blank record's.
      let boxed: UnsafeMutablePointer<Value>
      let blankBoxed: UnsafeMutablePointer<Value>
      let blankBoxedCount: Int
      /// Per table: how many records were ever begun (their `Value`s are initialized), and how many
      /// of those `finish` moved out (the others are destroyed here).
      let begun: UnsafeMutablePointer<Int>
      let moved: UnsafeMutablePointer<Int>
      /// Per table: where its records' `Value`s start in `boxed`, and how many a record has.
      let boxedTables: [(start: Int, width: Int)]

      init(recordBytes: Int, boxed: Int, blankBytes: Int, blankBoxed: Int, boxedTables: [(start: Int, width: Int)]) {
        records = .allocate(byteCount: max(recordBytes, 64), alignment: 64)
        blankRecords = .allocate(byteCount: max(blankBytes, 8), alignment: 8)
        // The padding of a blank record is copied too: zero, not whatever the memory held.
        blankRecords.initializeMemory(as: UInt8.self, repeating: 0, count: max(blankBytes, 8))
        self.boxed = .allocate(capacity: max(boxed, 1))
        self.blankBoxed = .allocate(capacity: max(blankBoxed, 1))
        blankBoxedCount = blankBoxed
        let tables = boxedTables.count
        begun = .allocate(capacity: max(tables, 1))
        begun.initialize(repeating: 0, count: max(tables, 1))
        moved = .allocate(capacity: max(tables, 1))
        moved.initialize(repeating: 0, count: max(tables, 1))
        self.boxedTables = boxedTables
      }

      deinit {
        for (t, (start, width)) in boxedTables.enumerated() where width > 0 {
          // The records moved out are uninitialized: destroy the rest.
          (boxed + start + moved[t] * width).deinitialize(count: (begun[t] - moved[t]) * width)
        }
        blankBoxed.deinitialize(count: blankBoxedCount)
        boxed.deallocate()
        blankBoxed.deallocate()
        records.deallocate()
        blankRecords.deallocate()
        begun.deallocate()
        moved.deallocate()
      }
    }
  }
}
