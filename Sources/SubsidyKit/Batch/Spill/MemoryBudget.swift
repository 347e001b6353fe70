/// How much memory a batch's cross-row state may hold before it spills to a `SpillStore` (`--memory`,
/// in MB). The state is the file-wide dispatch ids, the one-person-one-ID-number registry and the
/// best claim per limit; the budget is shared among them, and each spills on its own when it outgrows
/// its share, so a file of any length runs in the same memory. Within the budget nothing touches the
/// disk, and results do not depend on whether anything spilled (`BatchSpillTests`).
public struct MemoryBudget: Sendable {
  public var bytes: Int

  public static let defaultMegabytes = 128

  public init(megabytes: Int = MemoryBudget.defaultMegabytes) {
    bytes = max(0, megabytes) * 1024 * 1024
  }

  /// The dispatch ids' share.
  var dispatchIDs: Int { bytes / 4 }
  /// The identity registry's share.
  var identities: Int { bytes / 4 }
  /// The limit winners' share: they are the largest records.
  var limitWinners: Int { bytes / 2 }

  /// What one entry of a `[UInt64: X]` table costs, X of `valueBytes`: the key and value, at the load
  /// of a table that has just doubled, plus the copy held while it grows.
  static func hashEntry(valueBytes: Int) -> Int { (8 + valueBytes) * 3 }
}

/// One spill store for a run, opened the first time any state outgrows its share.
final class SpillPlace {
  private var opened: SpillStore?

  func store() throws -> SpillStore {
    if let opened { return opened }
    let store = try SpillStore()
    opened = store
    return store
  }

  var isOpen: Bool { opened != nil }
}
