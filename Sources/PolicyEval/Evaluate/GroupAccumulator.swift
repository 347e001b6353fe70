import PolicyCheck
import PolicyValues

/// The running aggregates of one group: counts, distinct values, sums, minima and maxima.
///
/// Mergeable, so a group whose members are spread over a whole batch file (a lead entrepreneur's
/// placements in a year) is summed chunk by chunk in bounded memory: only the distinct values
/// that `count_distinct` must remember are kept, not the members.
///
/// Kept compact, as a batch holds one per group until the file ends: distinct values are texts
/// (`ValueText.identity`, 16 bytes each when short, and exact: two values share a text only when they
/// are equal); the key and the payee and beneficiary ids live in the table (`GroupTable`).
public struct GroupAccumulator: Sendable {
  enum Slot: Sendable, Equatable {
    case count(Int)
    /// The distinct values' identity texts (`ValueText.identity`).
    case distinct(Set<String>)
    /// How many distinct values a store holds for the group, the values themselves left there
    /// (a batch's spill store): read when the group is judged, never merged.
    case counted(Int)
    case sum(Fixed?, overflow: Bool)
    case minimum(Fixed?)
    case maximum(Fixed?)
  }
  var slots: [Slot]
  /// Position of the first member in the input (row number in a batch), for a stable order.
  public var firstSeen: Int

  init(aggregates: [(Aggregate, Thunk?)], firstSeen: Int) {
    self.firstSeen = firstSeen
    slots = aggregates.map { kind, _ in
      switch kind {
      case .count: .count(0)
      case .countDistinct: .distinct([])
      case .sum: .sum(.zero, overflow: false)
      case .minOf: .minimum(nil)
      case .maxOf: .maximum(nil)
      }
    }
  }

  /// Adds the member at `ctx.record`. `scratch`: a buffer the caller keeps, where a distinct value's
  /// identity text is written before it becomes a `String` (inline when short: no allocation).
  /// `facts`: `ctx.facts`, read once by the caller for all its members.
  mutating func add(_ aggregates: [(Aggregate, Thunk?)], _ ctx: EvalContext, facts: Facts, scratch: inout [UInt8]) {
    // Both arrays read in place: indexing them retained and released each for every member.
    aggregates.withUnsafeBufferPointer { aggregates in
      slots.withUnsafeMutableBufferPointer { slots in
        for i in 0..<min(aggregates.count, slots.count) {
          let v = aggregates[i].1?(ctx) ?? .null
          switch slots[i] {
          case .count(let n): slots[i] = .count(n + 1)
          case .distinct(var set):
            guard !v.isNull else { continue }
            // Taken out of the slot while it grows, so the set is not copied.
            slots[i] = .count(0)
            scratch.removeAll(keepingCapacity: true)
            ValueText.appendIdentity(v, of: facts, to: &scratch)
            set.insert(String(decoding: scratch, as: UTF8.self))
            slots[i] = .distinct(set)
          case .counted: break
          case .sum(let s, let overflow):
            guard case .number(let n) = v else { continue }
            let next = s.flatMap { $0.adding(n) }
            slots[i] = .sum(next, overflow: overflow || next == nil)
          case .minimum(let m):
            if case .number(let n) = v { slots[i] = .minimum(min(m ?? n, n)) }
          case .maximum(let m):
            if case .number(let n) = v { slots[i] = .maximum(max(m ?? n, n)) }
          }
        }
      }
    }
  }

  /// Folds another accumulator of the same group (from a later chunk) into this one. Distinct values
  /// a store counted (`counted`) are not merged here: the store adds the new ones (`addCounted`).
  public mutating func merge(_ other: GroupAccumulator) {
    for i in slots.indices {
      switch (slots[i], other.slots[i]) {
      case (.count(let a), .count(let b)): slots[i] = .count(a + b)
      case (.distinct(var a), .distinct(var b)):
        slots[i] = .count(0)
        // The smaller set is added to the larger: each value added is hashed once.
        if a.count < b.count { swap(&a, &b) }
        a.formUnion(b)
        slots[i] = .distinct(a)
      case (.sum(let a, let oa), .sum(let b, let ob)):
        let s = a.flatMap { x in b.flatMap { x.adding($0) } }
        slots[i] = .sum(s, overflow: oa || ob || s == nil)
      // Without an array per slot: `[a, b].compactMap { $0 }.min()` allocated one for every group merged.
      case (.minimum(let a), .minimum(let b)): slots[i] = .minimum(a.map { x in b.map { min(x, $0) } ?? x } ?? b)
      case (.maximum(let a), .maximum(let b)): slots[i] = .maximum(a.map { x in b.map { max(x, $0) } ?? x } ?? b)
      default: break
      }
    }
    if other.firstSeen < firstSeen { firstSeen = other.firstSeen }
  }

  /// The aggregate values compiled aggregate nodes read.
  var values: [Value] {
    var out: [Value] = []
    writeValues(into: &out)
    return out
  }

  /// `values` written into `out`, which is emptied first and keeps its room.
  func writeValues(into out: inout [Value]) {
    out.removeAll(keepingCapacity: true)
    for slot in slots {
      switch slot {
      case .count(let n), .counted(let n): out.append(Fixed(integer: Int64(n)).map(Value.number) ?? .null)
      case .distinct(let set): out.append(Fixed(integer: Int64(set.count)).map(Value.number) ?? .null)
      case .sum(let s, let overflow): out.append(overflow ? .undetermined(.tooLarge("sum")) : (s.map(Value.number) ?? .null))
      case .minimum(let m), .maximum(let m): out.append(m.map(Value.number) ?? .null)
      }
    }
  }

  /// How many distinct values each slot holds (0 for slots that are not `count_distinct`).
  public var distinctCounts: [Int] {
    slots.map { slot in
      switch slot {
      case .distinct(let set): set.count
      case .counted(let n): n
      default: 0
      }
    }
  }
}
