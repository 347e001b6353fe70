import PolicyCheck
import PolicyValues

extension Facts {
  /// The tables of one batch chunk while its rows are decoded into them, record by record, then
  /// turned into `Facts` (`finish`).
  ///
  /// Records are held in raw memory, each record's cells side by side (its encoded cells in one run
  /// of `Int64`s and state bytes, its `Value`s in another), so a cell is one store to a cache line the
  /// record already holds: written into `FactColumn`'s arrays, each cell paid a copy-on-write check
  /// on the table array, the column array and its values and states (6.6 % of a batch worker, with
  /// the retains around them), and a record's cells were spread over a cache line per column. A
  /// record starts as a copy of its table's blank (the schema's defaults) when it is first begun, so
  /// no memory is laid out for records a chunk does not use. `finish` gathers the records into
  /// columns, once per column.
  ///
  /// Records are found or begun by their id's bytes (`IDIndex`), and the last one begun can be taken
  /// back (a row rejected after its records were begun), becoming a blank again.
  public struct Draft {
    /// Owns the raw memory; the pointers below are its.
    private let storage: Storage
    @usableFromInline let values: UnsafeMutablePointer<Int64>
    @usableFromInline let states: UnsafeMutablePointer<UInt8>
    private let boxed: UnsafeMutablePointer<Value>
    /// Per table: where its records start in `values`/`states` and in `boxed`, and how many encoded
    /// and boxed cells a record has.
    @usableFromInline let encodedBase: [Int]
    private let boxedBase: [Int]
    @usableFromInline let encodedWidth: [Int]
    private let boxedWidth: [Int]
    /// Per table, the index of its first column in the per-column lists below.
    @usableFromInline let firstColumn: [Int]
    /// Per column (all tables' columns in one list): its form, whether that is `Value`s, and its
    /// place among its record's encoded or boxed cells. Plain lists: a cell written costs no
    /// comparison of codecs.
    @usableFromInline let codecs: [FactColumn.Codec]
    private let isBoxed: [Bool]
    @usableFromInline let offsets: [Int]
    /// Columns that were given a value with no encoded form (never by the batch decoder, but nothing
    /// written may be lost, as in `FactColumn`): from then on they hold `Value`s here.
    @usableFromInline var converted: [Int: [Value]] = [:] { didSet { hasConverted = !converted.isEmpty } }
    @usableFromInline var hasConverted = false
    /// Per table, its blank record's encoded cells, states and values, in record order.
    private let blankEncoded: [[Int64]]
    private let blankStates: [[UInt8]]
    private let blankBoxed: [[Value]]
    private let capacities: [Int]
    @usableFromInline var ids: [[String]]
    private var indexes: [IDIndex]

    /// Tables like `tables` (their columns' forms), empty, with room for `capacities[t]` records of
    /// table `t`, each starting as `blanks[t]`.
    public init(like tables: [Table], capacities: [Int], blanks: [Table.Blank]) {
      precondition(tables.count == capacities.count && tables.count == blanks.count)
      var firstColumn: [Int] = [], codecs: [FactColumn.Codec] = [], isBoxed: [Bool] = [], offsets: [Int] = []
      var encodedWidth: [Int] = [], boxedWidth: [Int] = [], encodedBase: [Int] = [], boxedBase: [Int] = []
      var blankEncoded: [[Int64]] = [], blankStates: [[UInt8]] = [], blankBoxed: [[Value]] = []
      var encodedCount = 0, boxedCount = 0
      for (t, table) in tables.enumerated() {
        firstColumn.append(codecs.count)
        var e: [Int64] = [], s: [UInt8] = [], b: [Value] = []
        for (slot, column) in table.columns.enumerated() {
          codecs.append(column.codec)
          isBoxed.append(!column.isEncoded)
          if column.isEncoded {
            offsets.append(e.count)
            e.append(blanks[t].encoded[slot])
            s.append(blanks[t].states[slot])
          } else {
            offsets.append(b.count)
            b.append(blanks[t].values[slot])
          }
        }
        encodedBase.append(encodedCount)
        boxedBase.append(boxedCount)
        encodedWidth.append(e.count)
        boxedWidth.append(b.count)
        encodedCount += e.count * capacities[t]
        boxedCount += b.count * capacities[t]
        blankEncoded.append(e)
        blankStates.append(s)
        blankBoxed.append(b)
      }
      storage = Storage(encoded: encodedCount, boxed: boxedCount, tables: tables.count)
      storage.boxedBase = boxedBase
      storage.boxedWidth = boxedWidth
      values = storage.values
      states = storage.states
      boxed = storage.boxed
      self.firstColumn = firstColumn
      self.codecs = codecs
      self.isBoxed = isBoxed
      self.offsets = offsets
      self.encodedBase = encodedBase
      self.boxedBase = boxedBase
      self.encodedWidth = encodedWidth
      self.boxedWidth = boxedWidth
      self.blankEncoded = blankEncoded
      self.blankStates = blankStates
      self.blankBoxed = blankBoxed
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
      // A record taken back was made blank again; one never begun is made blank now.
      if next == storage.begun[t] {
        storage.begun[t] = next + 1
        let e = encodedWidth[t], b = boxedWidth[t]
        let at = encodedBase[t] + next * e
        if e > 0 {
          blankEncoded[t].withUnsafeBufferPointer { (values + at).initialize(from: $0.baseAddress!, count: e) }
          blankStates[t].withUnsafeBufferPointer { (states + at).initialize(from: $0.baseAddress!, count: e) }
        }
        if b > 0 { blankBoxed[t].withUnsafeBufferPointer { (boxed + boxedBase[t] + next * b).initialize(from: $0.baseAddress!, count: b) } }
      }
      return (position, true)
    }

    /// Takes back table `t`'s last record, which becomes a blank again.
    public mutating func removeLast(_ t: Int) {
      guard let id = ids[t].last else { return }
      let record = ids[t].count - 1
      let first = firstColumn[t]
      for column in first..<first + encodedWidth[t] + boxedWidth[t] {
        let slot = column - first
        self[t, record, slot] = isBoxed[column] ? blankBoxed[t][offsets[column]] : blankValue(t, column)
      }
      ids[t].removeLast()
      indexes[t][id] = nil
    }

    /// The blank's value of an encoded column.
    private func blankValue(_ t: Int, _ column: Int) -> Value {
      blankStates[t][offsets[column]] == FactColumn.known ? FactColumn.decode(blankEncoded[t][offsets[column]], codecs[column]) : .null
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
      let i = encodedBase[t] + record * encodedWidth[t] + offsets[column]
      values[i] = value
      states[i] = FactColumn.known
    }

    /// The encoded form of a cell of an encoded column, nil when it is null.
    @inline(__always)
    public func encoded(_ t: Int, _ record: Int, _ slot: Int) -> Int64? {
      let column = firstColumn[t] + slot
      guard !isBoxed[column], !hasConverted || converted[column] == nil else {
        let value = self[t, record, slot]
        return value.isNull ? nil : FactColumn.encode(value, codecs[column])
      }
      let i = encodedBase[t] + record * encodedWidth[t] + offsets[column]
      return states[i] == FactColumn.known ? values[i] : nil
    }

    /// One cell of a record begun, as a `Value`.
    public subscript(t: Int, record: Int, slot: Int) -> Value {
      get {
        precondition(record < ids[t].count, "record \(record) of \(ids[t].count) not begun")
        let column = firstColumn[t] + slot
        if hasConverted, let held = converted[column] { return held[record] }
        if isBoxed[column] { return boxed[boxedBase[t] + record * boxedWidth[t] + offsets[column]] }
        let i = encodedBase[t] + record * encodedWidth[t] + offsets[column]
        return states[i] == FactColumn.known ? FactColumn.decode(values[i], codecs[column]) : .null
      }
      set {
        precondition(record < ids[t].count, "record \(record) of \(ids[t].count) not begun")
        let column = firstColumn[t] + slot
        if hasConverted, converted[column] != nil {
          converted[column]![record] = newValue
          return
        }
        if isBoxed[column] {
          boxed[boxedBase[t] + record * boxedWidth[t] + offsets[column]] = newValue
        } else if let v = FactColumn.encode(newValue, codecs[column]) {
          let i = encodedBase[t] + record * encodedWidth[t] + offsets[column]
          values[i] = v
          states[i] = newValue.isNull ? FactColumn.null : FactColumn.known
        } else {
          // Records not begun yet are blank: they take the blank's value.
          var held = (0..<capacities[t]).map { $0 < ids[t].count ? self[t, $0, slot] : blankValue(t, column) }
          held[record] = newValue
          converted[column] = held
        }
      }
    }

    /// The tables: each column holds the records begun (and not taken back), in order. A column of
    /// `Value`s has its records moved out, not copied (no retain and release of each), so the draft
    /// is consumed.
    public consuming func finish() -> [Table] {
      let tables = capacities.indices.map { t in
        let n = ids[t].count
        let first = firstColumn[t]
        let e = encodedWidth[t], b = boxedWidth[t]
        let built = (first..<first + e + b).map { column -> FactColumn in
          if let held = converted[column] { return FactColumn(boxed: Array(held[..<n])) }
          if isBoxed[column] {
            let from = boxed + boxedBase[t] + offsets[column]
            return FactColumn(boxed: Array(unsafeUninitializedCapacity: n) { out, initialized in
              for r in 0..<n { (out.baseAddress! + r).moveInitialize(from: from + r * b, count: 1) }
              initialized = n
            })
          }
          let at = encodedBase[t] + offsets[column]
          return FactColumn(codecs[column],
                            values: Array(unsafeUninitializedCapacity: n) { out, initialized in
                              for r in 0..<n { out[r] = values[at + r * e] }
                              initialized = n
                            },
                            states: Array(unsafeUninitializedCapacity: n) { out, initialized in
                              for r in 0..<n { out[r] = states[at + r * e] }
                              initialized = n
                            })
        }
        storage.moved[t] = n
        return Table(ids: ids[t], index: indexes[t], columns: built)
      }
      return tables
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
      let tableCount: Int
      var boxedBase: [Int] = []
      var boxedWidth: [Int] = []

      init(encoded: Int, boxed: Int, tables: Int) {
        values = .allocate(capacity: max(encoded, 1))
        states = .allocate(capacity: max(encoded, 1))
        self.boxed = .allocate(capacity: max(boxed, 1))
        tableCount = tables
        begun = .allocate(capacity: max(tables, 1))
        begun.initialize(repeating: 0, count: max(tables, 1))
        moved = .allocate(capacity: max(tables, 1))
        moved.initialize(repeating: 0, count: max(tables, 1))
      }

      deinit {
        for t in 0..<tableCount where boxedWidth[t] > 0 {
          // The records moved out are uninitialized: destroy the rest.
          let from = moved[t] * boxedWidth[t]
          (boxed + boxedBase[t] + from).deinitialize(count: begun[t] * boxedWidth[t] - from)
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
