import PolicyCheck
import PolicyValues

/// The facts of one chunk as typed columns: one `Int64` per cell and a state byte (known, null,
/// undetermined), so a rule's conditions run as tight loops over arrays instead of one closure call
/// and one enum switch per node and row.
///
/// Cells are encoded so that comparing two encoded values of one type compares the values:
/// money and numbers are `Fixed.raw`, dates `year << 9 | month << 5 | day`, division codes their
/// number, enum cases and entity references their index, booleans 0 or 1, an evidence list a bit
/// per case. A field the table holds encoded (`FactColumn`) is read in place, with no copy; a list
/// column is encoded on first use, only when a rule reads it.
final class FactBatch {
  static let known: UInt8 = 0
  static let null: UInt8 = 1
  static let undetermined: UInt8 = 2

  struct Column {
    var values: [Int64]
    var states: [UInt8]
  }

  let facts: Facts
  /// The columns read so far, at `firstSlot[kind] + slot` (an array, not a dictionary: a program
  /// asks for a column at every step of every field it reads, and hashing the key was a cost of each).
  private var columns: [Column?]
  private let firstSlot: [Int]

  init(_ facts: Facts) {
    self.facts = facts
    var first: [Int] = [], next = 0
    for kind in facts.tables.indices {
      first.append(next)
      next += facts.tables[kind].width
    }
    firstSlot = first
    columns = [Column?](repeating: nil, count: next)
  }

  func count(of kind: Int) -> Int { facts.tables[kind].count }

  /// Columns of values a program is done with, kept for the next node to write into: a chunk runs a
  /// few hundred nodes, and allocating two arrays for each (and looking up their type's metadata, as
  /// every new array does) was a cost of its own.
  private var spare: [Vec] = []

  /// A column of at least `n` cells, their contents not set.
  func vec(_ n: Int) -> Vec {
    while let v = spare.popLast() {
      if v.values.count >= n { return v }
    }
    return Vec(uninitialized: n)
  }

  /// Gives back a column no one reads any more.
  func recycle(_ v: consuming Vec) {
    if spare.count < 16 { spare.append(v) }
  }

  /// The column of `slot` of entity kind `kind`; nil when a cell holds a value with no encoding (a string).
  func column(kind: Int, slot: Int) -> Column? {
    let key = firstSlot[kind] + slot
    if let c = columns[key] { return c }
    // An ID number's digits are not a value a program computes on: to a rule it is text (below, nil).
    if facts.tables[kind].columns[slot].isEncoded, facts.tables[kind].columns[slot].codec != .idNumber {
      let c = Column(values: facts.tables[kind].columns[slot].values, states: facts.tables[kind].columns[slot].states)
      columns[key] = c
      return c
    }
    let stored = facts.tables[kind].columns[slot]
    let count = facts.tables[kind].count
    var values = [Int64](repeating: 0, count: count)
    var states = [UInt8](repeating: Self.null, count: count)
    for record in 0..<count {
      guard let (v, s) = Self.encode(stored[record]) else { return nil }
      values[record] = v
      states[record] = s
    }
    let c = Column(values: values, states: states)
    columns[key] = c
    return c
  }

  /// A value's cell encoding, or nil for values columns do not hold (strings, durations).
  static func encode(_ value: Value) -> (Int64, UInt8)? {
    switch value {
    case .null: return (0, null)
    case .bool(let b): return (b ? 1 : 0, known)
    case .number(let n): return (n.raw, known)
    case .date(let d): return (encode(d), known)
    case .code(let c): return (Int64(c.value), known)
    case .enumCase(let i): return (Int64(i), known)
    case .entity(_, let i): return (Int64(i), known)
    case .list(let items):
      var bits: Int64 = 0
      for item in items {
        guard case .enumCase(let i) = item, i < 63 else { return nil }
        bits |= 1 << Int64(i)
      }
      return (bits, known)
    case .undetermined: return (0, undetermined)
    case .string, .duration: return nil
    }
  }

  /// A date's form, the same as `FactColumn`'s.
  static func encode(_ d: CivilDate) -> Int64 { Int64(d.packedValue) }
  /// The date a known cell of a date column holds. Every such cell was made from a `CivilDate`
  /// (a fact column, a parameter, a constant or a date computed here), so it is not checked again.
  static func date(_ v: Int64) -> CivilDate { CivilDate(packed: UInt32(truncatingIfNeeded: v)) }
}
