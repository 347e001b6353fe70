/// How much memory a batch's cross-row state may hold before it spills to a `SpillStore` (`--memory`,
/// in MB). The state is the file-wide dispatch ids, the one-person-one-ID-number registry, the best
/// claim per limit, the people and organisations already judged, and the group rules' aggregates (and,
/// while they are judged, their limits' claims). They share the budget as one pool (`SpillPlace`):
/// whichever pushes the total past it moves to disk, so a file of any length runs in about the same
/// memory. Within the budget nothing touches the disk, and results do not depend on whether anything spilled (`BatchSpillTests`).
public struct MemoryBudget: Sendable {
  public var bytes: Int

  public static let defaultMegabytes = 128

  public init(megabytes: Int = MemoryBudget.defaultMegabytes) {
    bytes = max(0, megabytes) * 1024 * 1024
  }

  /// What one entry of a `[UInt64: X]` table costs, X of `valueBytes`: the key and value, at the load
  /// of a table that has just doubled, plus the copy held while it grows.
  static func hashEntry(valueBytes: Int) -> Int { (8 + valueBytes) * 3 }
}

/// The run's one spill store, opened the first time the state outgrows the budget, and the pool's
/// accounts: what each part holds in memory now.
final class SpillPlace {
  enum Part: Int, CaseIterable {
    case dispatchIDs, identities, limitWinners, groups, groupClaims, judgedSubjects
  }

  let budget: Int
  private var held = [Int](repeating: 0, count: Part.allCases.count)
  private var opened: SpillStore?

  init(budget: MemoryBudget = MemoryBudget()) { self.budget = budget.bytes }

  /// How often (in entries added) a part reports what it holds: often enough that the pool overshoots
  /// by little, rarely enough to cost nothing per row. Every entry when the budget is 0 (tests).
  var reportEvery: Int { budget == 0 ? 1 : 1_024 }

  /// A part reports what it now holds; true when the pool is over budget and this part must spill.
  func report(_ part: Part, bytes: Int) -> Bool {
    held[part.rawValue] = bytes
    return held.reduce(0, +) > budget
  }

  /// The store; the part that spilled now holds nothing in memory.
  func store(for part: Part) throws -> SpillStore {
    held[part.rawValue] = 0
    if let opened { return opened }
    let store = try SpillStore()
    opened = store
    return store
  }

  var isOpen: Bool { opened != nil }
}
