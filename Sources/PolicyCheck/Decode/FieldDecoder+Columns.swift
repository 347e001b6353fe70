import PolicyValues

/// A column of cells decoded at once: the batch's path for the fixed-width cells every row has.
///
/// `decodeFixedWidth` is called per cell, and per cell it pays the dispatch on the field's kind, the
/// caller's loop (the cell's description, the closure that finds its bytes) and the store. Here the
/// format finds one column's cells for a tile of a chunk's rows (byte ranges into its buffer), and each
/// kind has its own loop over them: the kind is looked at once per column. The grammar is the same
/// functions `decodeFixedWidth` calls (`fixedWidthBool`, `fixedWidthDate`…), and the bounds the same
/// encoded ones.
///
/// A cell this path cannot take as it is (bad, out of bounds, or not in place in the buffer) is only
/// marked `other`: the caller decodes it again on the per-cell path, so every problem and its words
/// are the one decoder's, as they always were.
extension FieldDecoder {
  /// What `decodeColumn` found in a cell.
  public enum ColumnCell {
    /// The cell holds a value, in `values`.
    public static let value: UInt8 = 0
    /// Nothing written: the caller decides (null, a default, or "required").
    public static let empty: UInt8 = 1
    /// Bad, out of bounds, or not in place: the per-cell path says what it is.
    public static let other: UInt8 = 2
  }

  /// A cell's range in `decodeColumn`'s buffer is `start | end << 32` (as `CSVChunk.packedRanges`
  /// writes them); `elsewhere` is a cell whose bytes are not there as they are (a quoted cell holding
  /// `""`, to be unescaped; a short row's missing cell).
  public static let elsewhere = UInt64.max

  /// Decodes the cells at `ranges` of `bytes` (one column of a chunk, row by row) with `spec`, which
  /// `decodesFixedWidth` accepts: for each, its state (`ColumnCell`) into `states` and, for a value,
  /// its fixed-width form into `values` (0 otherwise).
  /// `asOf`: the date judged on, as `decodeFixedWidth`'s.
  public func decodeColumn(_ spec: Spec, bytes: UnsafeBufferPointer<UInt8>, ranges: UnsafeBufferPointer<UInt64>,
                           values: UnsafeMutablePointer<Int64>, states: UnsafeMutablePointer<UInt8>, asOf: CivilDate?) {
    precondition(decodesFixedWidth(spec), "a column decoded at once must have a fixed-width form")
    let low = spec.encodedMinimum ?? .min, high = spec.encodedMaximum ?? .max
    switch spec.kind {
    case .bool: Self.each(bytes, ranges, values, states, low, high, Self.fixedWidthBool)
    case .number: Self.each(bytes, ranges, values, states, low, high, Self.fixedWidthNumber)
    case .integer: Self.each(bytes, ranges, values, states, low, high, Self.fixedWidthInteger)
    case .date: Self.each(bytes, ranges, values, states, low, high, Self.fixedWidthDate)
    case .code: Self.each(bytes, ranges, values, states, low, high, Self.fixedWidthCode)
    case .enumeration(let e):
      let keys = caseKeys[e]
      Self.each(bytes, ranges, values, states, low, high) { keys.index(of: $0).map(Int64.init) }
    case .list(.enumeration(let e)): Self.each(bytes, ranges, values, states, low, high) { caseBits(e, $0) }
    case .idNumber: Self.each(bytes, ranges, values, states, low, high) { Self.fixedWidthIDNumber($0, asOf: asOf) }
    case .text, .reference, .list: preconditionFailure("not a fixed-width kind")
    }
  }

  /// One kind's loop: each cell trimmed, empty or parsed, then bounded.
  @inline(__always)
  private static func each(_ bytes: UnsafeBufferPointer<UInt8>, _ ranges: UnsafeBufferPointer<UInt64>, _ values: UnsafeMutablePointer<Int64>,
                           _ states: UnsafeMutablePointer<UInt8>, _ low: Int64, _ high: Int64,
                           _ parse: (UnsafeBufferPointer<UInt8>) -> Int64?) {
    let base = bytes.baseAddress
    for i in ranges.indices {
      let range = ranges[i]
      values[i] = 0
      guard range != elsewhere else {
        states[i] = ColumnCell.other
        continue
      }
      let start = Int(truncatingIfNeeded: range & 0xFFFF_FFFF), end = Int(truncatingIfNeeded: range >> 32)
      let cell = trimmed(UnsafeBufferPointer(start: base.map { $0 + start }, count: end - start))
      if cell.isEmpty {
        states[i] = ColumnCell.empty
      } else if let v = parse(cell), v >= low, v <= high {
        values[i] = v
        states[i] = ColumnCell.value
      } else {
        states[i] = ColumnCell.other
      }
    }
  }
}
