import PolicyValues

/// An accumulator as a batch keeps it on disk once its groups outgrow the memory budget: the
/// scalars as one short text, and each `count_distinct` slot's values as rows of their own, so a
/// count stays exact however many values it has and none of them has to come back into memory.
extension GroupAccumulator {
  /// The slots without their distinct values, one token each, `,` between: `c12` a count, `d3` a
  /// distinct count, `s1500000` a sum's raw value (`s` when unknown, `!` after it when it overflowed),
  /// `m…`/`M…` a minimum/maximum (the letter alone when no member had a number).
  public var storedState: String {
    slots.map { slot in
      switch slot {
      case .count(let n): "c\(n)"
      case .distinct(let set): "d\(set.count)"
      case .counted(let n): "d\(n)"
      case .sum(let s, let overflow): "s\(s.map { String($0.raw) } ?? "")\(overflow ? "!" : "")"
      case .minimum(let m): "m\(m.map { String($0.raw) } ?? "")"
      case .maximum(let m): "M\(m.map { String($0.raw) } ?? "")"
      }
    }.joined(separator: ",")
  }

  /// An accumulator read back from `storedState`; its distinct slots are `counted`. Nil when the text
  /// is not one `storedState` wrote.
  public init?(firstSeen: Int, storedState: String) {
    self.firstSeen = firstSeen
    var slots: [Slot] = []
    for token in storedState.split(separator: ",", omittingEmptySubsequences: false) where !storedState.isEmpty {
      guard let tag = token.first else { return nil }
      var rest = token.dropFirst()
      let overflow = rest.last == "!"
      if overflow { rest = rest.dropLast() }
      let number: Int64? = rest.isEmpty ? nil : Int64(rest)
      if !rest.isEmpty, number == nil { return nil }
      switch tag {
      case "c": slots.append(.count(Int(number ?? 0)))
      case "d": slots.append(.counted(Int(number ?? 0)))
      case "s": slots.append(.sum(number.map(Fixed.init(raw:)), overflow: overflow))
      case "m": slots.append(.minimum(number.map(Fixed.init(raw:))))
      case "M": slots.append(.maximum(number.map(Fixed.init(raw:))))
      default: return nil
      }
    }
    self.slots = slots
  }

  /// Each `count_distinct` slot's values held in memory, by slot.
  public var distinctValues: [(slot: Int, values: Set<String>)] {
    slots.indices.compactMap { i in
      if case .distinct(let set) = slots[i] { (i, set) } else { nil }
    }
  }

  /// Counts `n` more distinct values in `slot`, values a store found new (it keeps them itself).
  public mutating func addCounted(_ n: Int, slot: Int) {
    guard slots.indices.contains(slot) else { return }
    switch slots[slot] {
    case .counted(let m): slots[slot] = .counted(m + n)
    case .distinct(let set): slots[slot] = .counted(set.count + n)
    default: break
    }
  }

  /// What the accumulator costs in memory, roughly: its slots and 40 bytes a distinct value (a short
  /// text inline in its set's entry, at the set's load). Its key is the table's (`GroupKeys`).
  /// Counted with no array made (`distinctCounts` made one, twice for every group a merge folded).
  public var estimatedBytes: Int {
    var distinct = 0
    for slot in slots {
      switch slot {
      case .distinct(let set): distinct += set.count
      case .counted(let n): distinct += n
      default: break
      }
    }
    return 32 + 16 * slots.count + 40 * distinct
  }
}
