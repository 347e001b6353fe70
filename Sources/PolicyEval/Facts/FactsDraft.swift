import PolicyCheck
import PolicyValues

extension Facts {
  /// The tables of one batch chunk while its rows are decoded into them, record by record, then
  /// turned into `Facts` (`finish`).
  ///
  /// Every column is raw memory laid out with as many blank records (the schema's defaults) as the
  /// chunk may need, so a cell is one store: written into `FactColumn`'s arrays, each cell paid a
  /// copy-on-write check on the table array, the column array and its values and states (6.6 % of a
  /// batch worker, with the retains around them), and laying out and trimming the blanks in the
  /// arrays was another 3 %. `finish` copies the records taken into the columns, once per column.
  ///
  /// Records are found or begun by their id's bytes (`IDIndex`), and the last one begun can be taken
  /// back (a row rejected after its records were begun), becoming a blank again.
  public struct Draft {
    /// Owns the raw memory; the pointers below are its.
    private let storage: Storage
    private let values: UnsafeMutablePointer<Int64>
    private let states: UnsafeMutablePointer<UInt8>
    private let boxed: UnsafeMutablePointer<Value>
    /// Per table, the index of its first column in the per-column lists below.
    private let firstColumn: [Int]
    /// Per column (all tables' columns in one list): its form, whether that is `Value`s, and where
    /// its records start in `values`/`states` (an encoded column) or in `boxed`. Plain lists: a cell
    /// written costs no comparison of codecs.
    private let codecs: [FactColumn.Codec]
    private let isBoxed: [Bool]
    private let bases: [Int]
    /// Columns that were given a value with no encoded form (never by the batch decoder, but nothing
    /// written may be lost, as in `FactColumn`): from then on they hold `Value`s here.
    private var converted: [Int: [Value]] = [:] { didSet { hasConverted = !converted.isEmpty } }
    private var hasConverted = false
    private let blanks: [Table.Blank]
    private let capacities: [Int]
    private var ids: [[String]]
    private var indexes: [IDIndex]

    /// Tables like `tables` (their columns' forms), empty, with room for `capacities[t]` records of
    /// table `t`, each laid out as `blanks[t]`.
    public init(like tables: [Table], capacities: [Int], blanks: [Table.Blank]) {
      precondition(tables.count == capacities.count && tables.count == blanks.count)
      var firstColumn: [Int] = []
      var columns: [(codec: FactColumn.Codec, base: Int)] = []
      var encodedCount = 0, boxedCount = 0
      for (t, table) in tables.enumerated() {
        firstColumn.append(columns.count)
        for column in table.columns {
          if column.isEncoded {
            columns.append((column.codec, encodedCount))
            encodedCount += capacities[t]
          } else {
            columns.append((.boxed, boxedCount))
            boxedCount += capacities[t]
          }
        }
      }
      storage = Storage(encoded: encodedCount, boxed: boxedCount)
      values = storage.values
      states = storage.states
      boxed = storage.boxed
      for (t, table) in tables.enumerated() where capacities[t] > 0 {
        for slot in table.columns.indices {
          let (codec, base) = columns[firstColumn[t] + slot]
          if codec == .boxed {
            (boxed + base).initialize(repeating: blanks[t].values[slot], count: capacities[t])
          } else {
            (values + base).initialize(repeating: blanks[t].encoded[slot], count: capacities[t])
            (states + base).initialize(repeating: blanks[t].states[slot], count: capacities[t])
          }
        }
      }
      storage.boxedColumns = tables.indices.flatMap { t in
        tables[t].columns.indices.compactMap { slot in
          let (codec, base) = columns[firstColumn[t] + slot]
          return codec == .boxed ? (base, capacities[t]) : nil
        }
      }
      self.firstColumn = firstColumn
      codecs = columns.map(\.codec)
      isBoxed = columns.map { $0.codec == .boxed }
      bases = columns.map(\.base)
      self.blanks = blanks
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

    /// The record of table `t` whose id is these bytes if there is one; otherwise the next blank,
    /// now that id's record. The bytes are hashed once either way, and a `String` is made only for a
    /// new record.
    @inline(__always)
    public mutating func findOrBegin(_ t: Int, id: UnsafeBufferPointer<UInt8>) -> (position: Int, isNew: Bool) {
      let next = ids[t].count
      precondition(next < capacities[t], "a chunk's draft has no blank record left")
      let (position, isNew) = indexes[t].insertIfAbsent(id, position: next)
      if isNew { ids[t].append(String(decoding: id, as: UTF8.self)) }
      return (position, isNew)
    }

    /// Takes back table `t`'s last record, which becomes a blank again.
    public mutating func removeLast(_ t: Int) {
      guard let id = ids[t].popLast() else { return }
      indexes[t][id] = nil
      let record = ids[t].count
      for slot in blanks[t].values.indices { self[t, record, slot] = blanks[t].values[slot] }
    }

    /// Sets a cell from its encoded form (`FieldDecoder.decodeFixedWidth`). The column must be of
    /// that form, as every column of the field's type is (`FactColumn.Codec(type:schema:)`): the
    /// codec is not compared per cell.
    @inline(__always)
    public mutating func set(_ t: Int, _ record: Int, _ slot: Int, encoded value: Int64, as codec: FactColumn.Codec) {
      let column = firstColumn[t] + slot
      assert(codecs[column] == codec, "a cell encoded as \(codec) for a column of \(codecs[column])")
      guard !hasConverted || converted[column] == nil else {
        self[t, record, slot] = FactColumn.decode(value, codec)
        return
      }
      let i = bases[column] + record
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
      let i = bases[column] + record
      return states[i] == FactColumn.known ? values[i] : nil
    }

    /// One cell as a `Value`.
    public subscript(t: Int, record: Int, slot: Int) -> Value {
      get {
        let column = firstColumn[t] + slot
        if hasConverted, let held = converted[column] { return held[record] }
        let base = bases[column]
        if isBoxed[column] { return boxed[base + record] }
        return states[base + record] == FactColumn.known ? FactColumn.decode(values[base + record], codecs[column]) : .null
      }
      set {
        let column = firstColumn[t] + slot
        if hasConverted, converted[column] != nil {
          converted[column]![record] = newValue
          return
        }
        let base = bases[column]
        if isBoxed[column] {
          boxed[base + record] = newValue
        } else if let v = FactColumn.encode(newValue, codecs[column]) {
          values[base + record] = v
          states[base + record] = newValue.isNull ? FactColumn.null : FactColumn.known
        } else {
          var held = (0..<capacities[t]).map { self[t, $0, slot] }
          held[record] = newValue
          converted[column] = held
        }
      }
    }

    /// The tables: each column holds the records begun (and not taken back), in order. A column of
    /// `Value`s has its records moved out, not copied (no retain and release of each), so the draft
    /// is consumed.
    public consuming func finish() -> [Table] {
      var moved: [Int] = []
      let tables = capacities.indices.map { t in
        let n = ids[t].count
        let first = firstColumn[t]
        let count = (t + 1 < firstColumn.count ? firstColumn[t + 1] : codecs.count) - first
        let built = (first..<first + count).map { column -> FactColumn in
          if let held = converted[column] { return FactColumn(boxed: Array(held[..<n])) }
          let base = bases[column]
          if isBoxed[column] {
            moved.append(n)
            return FactColumn(boxed: Array(unsafeUninitializedCapacity: n) { out, initialized in
              if n > 0 { out.baseAddress!.moveInitialize(from: boxed + base, count: n) }
              initialized = n
            })
          }
          return FactColumn(codecs[column], values: Array(UnsafeBufferPointer(start: values + base, count: n)),
                            states: Array(UnsafeBufferPointer(start: states + base, count: n)))
        }
        return Table(ids: ids[t], index: indexes[t], columns: built)
      }
      storage.moved = moved
      return tables
    }

    /// The draft's memory, freed with the last copy of the draft.
    private final class Storage {
      let values: UnsafeMutablePointer<Int64>
      let states: UnsafeMutablePointer<UInt8>
      let boxed: UnsafeMutablePointer<Value>
      /// Per column of `Value`s (in order): where its records start and how many there are; then
      /// how many of its first records `finish` moved out (the others are destroyed here).
      var boxedColumns: [(base: Int, count: Int)] = []
      var moved: [Int] = []

      init(encoded: Int, boxed: Int) {
        values = .allocate(capacity: max(encoded, 1))
        states = .allocate(capacity: max(encoded, 1))
        self.boxed = .allocate(capacity: max(boxed, 1))
      }

      deinit {
        for (k, column) in boxedColumns.enumerated() {
          let from = k < moved.count ? moved[k] : 0
          (boxed + column.base + from).deinitialize(count: column.count - from)
        }
        boxed.deallocate()
        values.deallocate()
        states.deallocate()
      }
    }
  }
}
