import Dispatch
import PolicyEval
import PolicyValues

/// Feeds a cohort to the comparison a batch of chunks at a time: the chunks of a batch are decoded
/// and evaluated on all cores, then merged one by one in input order (so the result does not
/// depend on the number of threads).
struct CohortPieces {
  let asOf: CivilDate
  private var csv: CSVSource?
  private var facts: Facts?

  init(csv: CSVSource, asOf: CivilDate) {
    self.csv = csv
    self.asOf = asOf
  }

  init(facts: Facts, asOf: CivilDate) {
    self.facts = facts
    self.asOf = asOf
  }

  private enum Piece {
    case raw(CSVChunk)
    case decoded(CohortChunk)
  }

  private mutating func read(_ count: Int) throws -> [Piece] {
    if let whole = facts {
      facts = nil
      return [.decoded(CohortChunk(facts: whole, lines: [], rows: 0))]
    }
    guard let csv else { return [] }
    var pieces: [Piece] = []
    while pieces.count < count, let chunk = try csv.nextRaw() { pieces.append(.raw(chunk)) }
    return pieces
  }

  /// With `onlyPeople`, CSV rows of other people are dropped before decoding (the explaining pass
  /// needs a few people, and decoding is most of its cost); a facts file is passed whole.
  mutating func forEachBatch<R>(threads: Int, onlyPeople: Set<String>? = nil, _ work: @escaping @Sendable (CohortChunk) -> R,
                                merge: (CohortChunk, R) throws -> Void) throws {
    let decoder = UncheckedBox(csv)
    let wanted = onlyPeople
    while true {
      let pieces = try read(max(1, threads) * 2)
      if pieces.isEmpty { return }
      let slots = Slots<(CohortChunk, R)>(count: pieces.count)
      defer { slots.free() }
      let input = UncheckedBox(pieces)
      DispatchQueue.concurrentPerform(iterations: pieces.count) { i in
        let chunk: CohortChunk?
        switch input.value[i] {
        case .decoded(let c): chunk = c
        case .raw(let raw):
          if let wanted, let column = decoder.value?.personColumn {
            chunk = decoder.value?.decode(raw.filtered { wanted.contains(raw.string($0, column).trimmingSpaces) })
          } else {
            chunk = decoder.value?.decode(raw)
          }
        }
        slots.set(i, chunk.map { ($0, work($0)) })
      }
      for i in 0..<pieces.count { if let (chunk, result) = slots.get(i) { try merge(chunk, result) } }
    }
  }
}

/// One slot per chunk of a batch, each written by exactly one worker and read after all finished:
/// raw memory, so distinct slots are written without the exclusivity check of a shared array.
final class Slots<T>: @unchecked Sendable {
  private let base: UnsafeMutablePointer<T?>
  private let count: Int

  init(count: Int) {
    self.count = count
    base = UnsafeMutablePointer<T?>.allocate(capacity: count)
    base.initialize(repeating: nil, count: count)
  }

  func set(_ i: Int, _ value: T?) { base[i] = value }
  func get(_ i: Int) -> T? { base[i] }

  func free() {
    base.deinitialize(count: count)
    base.deallocate()
  }
}

/// Hands values that are only read to `concurrentPerform`'s workers.
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
