/// A worker's later dispatch, waiting for the row it was scheduled to appear at.
///
/// Workers have 1–3 dispatches; the later ones are placed tens of thousands of
/// rows further on (so a batch reader cannot rely on a worker's rows being
/// adjacent when it applies "once per worker per year"), and start after the
/// previous placement, often in the same calendar year.
struct SyntheticFollowUp {
  /// The row index at or after which this dispatch is written.
  let due: Int
  /// Tie-break in scheduling order, so the heap's order is total and the output deterministic.
  let sequence: Int
  let person: Int
  /// 1 for the second dispatch, 2 for the third.
  let ordinal: Int
  let total: Int
  /// Day number (since 1970-01-01) on or after which this placement starts.
  let earliestStart: Int
  /// The previous placement's organiser as (region index, role, number), if any.
  let organiser: SyntheticOrganiserRef?
}

/// Where an organiser sits in the generator's tables; role `leadEntrepreneur` is
/// entry `number` of 三都's lead-entrepreneur plan.
struct SyntheticOrganiserRef {
  let region: Int
  let role: Int
  let number: Int
}

/// A binary min-heap of follow-ups by (due, sequence). Its size is bounded by
/// the scheduling window (at most ~0.4 × 200 000 entries), not by the row count.
struct SyntheticFollowUpHeap {
  private var items: [SyntheticFollowUp] = []

  var count: Int { items.count }
  var first: SyntheticFollowUp? { items.first }

  private static func before(_ a: SyntheticFollowUp, _ b: SyntheticFollowUp) -> Bool {
    a.due != b.due ? a.due < b.due : a.sequence < b.sequence
  }

  mutating func push(_ item: SyntheticFollowUp) {
    items.append(item)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard Self.before(items[child], items[parent]) else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> SyntheticFollowUp? {
    guard let top = items.first, let last = items.popLast() else { return nil }
    guard !items.isEmpty else { return top }
    items[0] = last
    var parent = 0
    while true {
      let left = 2 * parent + 1, right = left + 1
      var smallest = parent
      if left < items.count, Self.before(items[left], items[smallest]) { smallest = left }
      if right < items.count, Self.before(items[right], items[smallest]) { smallest = right }
      guard smallest != parent else { break }
      items.swapAt(parent, smallest)
      parent = smallest
    }
    return top
  }
}
