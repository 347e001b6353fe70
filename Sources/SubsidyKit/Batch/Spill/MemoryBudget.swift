/// How much memory a batch run may hold (`--memory`, in MB): the process as a whole, as a clerk
/// reads the option, not only the state that spans rows.
///
/// At the start of a run, what the process already holds (the program, the policies, the libraries)
/// and what the chunks in flight will hold are taken out (`crossRowShare`); the rest is the pool of
/// the cross-row state: the file-wide dispatch ids, the one-person-one-ID-number registry, the best
/// claim per limit, the people and organisations already judged, and the group rules' aggregates (and,
/// while they are judged, their limits' claims). They share it as one pool (`SpillPlace`): whichever
/// pushes the total past it moves to disk, so a file of any length runs in about the same memory.
/// Within the pool nothing touches the disk, and results do not depend on whether anything spilled
/// (`BatchSpillTests`).
public struct MemoryBudget: Sendable {
  public var bytes: Int

  /// Measured on 1M generated rows (session 7): the whole run peaks at 94–96 MB (MiB) with it. 94 and
  /// 96 ran about 4 % faster but peaked at 97 and 99 MB, too close to the 100 MB the issue allows.
  /// What spans rows and does not fit spills to run files and the temporary database, what is
  /// cheapest to have on disk first (`SpillPlace.spillOrder`).
  public static let defaultMegabytes = 92

  public init(megabytes: Int = MemoryBudget.defaultMegabytes) {
    bytes = max(0, megabytes) * 1024 * 1024
  }

  /// What a row of a chunk in flight costs while it is decoded and evaluated: measured, 40,000
  /// generated rows with `--memory 0` peak 72 MB at 4,096 rows a chunk on 2 threads, 35 MB for a
  /// run of one row.
  static let inFlightBytesPerRow = 4_608

  /// The reader's buffer: the block read and what is not yet cut into chunks.
  static let readerBytes = 3 * CSVReader.blockSize

  /// The pool left for the cross-row state once the process (`resident` now) and the chunks in flight
  /// (`chunkRows` × `threads`) are counted; 0 (everything spills) when they already fill the budget.
  func crossRowShare(resident: Int, chunkRows: Int, threads: Int) -> MemoryBudget {
    var share = self
    share.bytes = max(0, bytes - resident - Self.inFlightBytesPerRow * chunkRows * max(1, threads) - Self.readerBytes)
    return share
  }

  /// What one entry of a `[UInt64: X]` table costs, X of `valueBytes`: the key and value, at the load
  /// of a table that has just doubled, plus the copy held while it grows.
  static func hashEntry(valueBytes: Int) -> Int { (8 + valueBytes) * 3 }
}

/// The run's one spill store, opened the first time the state outgrows the budget, and the pool's
/// accounts: what each part holds in memory now.
final class SpillPlace {
  enum Part: Int, CaseIterable {
    /// `identities`: each person's number; `identityHolders`: each number's person.
    /// `dispatchSerials`: the dispatch ids held as ranges of serials (never spilled: small by design).
    /// `identitySerials`: people's numbers held by serial (`SerialValues`), and `identityLines`, their first
    /// lines: pages written out to disk to free them (`SerialPageFile`).
    case dispatchIDs, identities, identityHolders, limitWinners, groups, groupClaims, judgedSubjects, dispatchSerials, identitySerials,
         identityLines
  }

  let budget: Int
  /// The whole run's `--memory`, held against what the process really holds: the parts' own
  /// accounts are estimates, and the allocator's spare pages, the spill store's cache and the code
  /// paged in as the run goes are in no account. Nil: only the accounts count (tests).
  private let ceiling: Int?
  private let resident: () -> Int?
  private let releaseFreedMemory: () -> Void
  private var reports = 0
  /// Reports since the process was found over `--memory`; 0 once a part has spilled.
  private var reportsOverCeiling = 0
  /// What the parts' accounts have gone down by since freed memory was last given back.
  private var freedSinceRelease = 0
  /// Freed memory is given back to the system once this much more has been freed.
  static let releaseAfter = 4 << 20
  private var held = [Int](repeating: 0, count: Part.allCases.count)
  /// What each part would take out of memory by spilling now (`report`).
  private var freeable = [Int](repeating: 0, count: Part.allCases.count)
  private var opened: SpillStore?
  /// Whether a part has written runs (`FingerprintRuns`) rather than moving to the store.
  private var wroteRuns = false

  init(budget: MemoryBudget = MemoryBudget(), ceiling: MemoryBudget? = nil, resident: @escaping () -> Int? = ProcessMemory.residentBytes,
       releaseFreedMemory: @escaping () -> Void = ProcessMemory.releaseFreedMemory) {
    self.budget = budget.bytes
    self.ceiling = ceiling?.bytes
    self.resident = resident
    self.releaseFreedMemory = releaseFreedMemory
  }

  /// How often (in entries added) a part reports what it holds: often enough that the pool overshoots
  /// by little, rarely enough to cost nothing per row. Every entry when the budget is 0 (tests).
  var reportEvery: Int { budget == 0 ? 1 : 1_024 }

  /// A part that holds less than this is not made to spill for the process's size: moving it would
  /// free next to nothing.
  static let smallestSpill = 1 << 20

  /// A part reports what it now holds; true when this part must spill: the pool is over budget, or
  /// the process as a whole is over `--memory` (looked at every 16th report: reading it costs a
  /// system call) and the part holds enough to matter.
  ///
  /// `freeable`: what spilling now would take out of memory (nil: all of `bytes`). Either way only
  /// the part first in `spillOrder` that can free a megabyte is told to spill, so what is cheap to
  /// have on disk goes there first. When the pool is over by more than an eighth, or the process
  /// has stayed over `--memory` for 64 reports, whichever part reports spills: the run cannot wait
  /// for the others.
  func report(_ part: Part, bytes: Int, freeable: Int? = nil) -> Bool {
    freedSinceRelease += max(0, held[part.rawValue] - bytes)
    held[part.rawValue] = bytes
    self.freeable[part.rawValue] = freeable ?? bytes
    let total = held.reduce(0, +) + storeCache
    if total > budget {
      if total - budget > budget / 8 { return true }
      return part == firstToSpill
    }
    guard let ceiling else { return false }
    if reportsOverCeiling == 0 {
      reports += 1
      guard reports % 16 == 0, let now = resident(), now > ceiling else { return false }
      // Over, perhaps only by pages freed and kept by the allocator: given back first, when enough
      // has been freed since they were last given back (each time costs the system calls and, later,
      // the page faults of using them again).
      if freedSinceRelease >= Self.releaseAfter {
        releaseFreedMemory()
        freedSinceRelease = 0
        guard let after = resident(), after > ceiling else { return false }
      }
    }
    reportsOverCeiling += 1
    return bytes >= Self.smallestSpill && (part == firstToSpill || reportsOverCeiling > 64)
  }

  /// The order in which parts go to disk: first those whose lookups mostly miss (a new dispatch id, a
  /// new ID number: a run's filter answers, and the disk is read about once in a hundred), then the
  /// identities (a returning person's row reads one block), and last the limit winners and groups,
  /// which once in the temporary database cost an SQLite lookup and write for every payment or
  /// group. Measured on 1M rows at the default `--memory`: identities before limit winners took
  /// 3.62 s of CPU, after them 3.84 s.
  ///
  /// People's numbers held by serial come after the identities: on disk, a person who comes back to
  /// an old page costs a read. Their first lines come before everything: they are read only to word a
  /// conflict's message.
  static let spillOrder: [Part] = [.identityLines, .dispatchIDs, .identityHolders, .judgedSubjects, .identities, .identitySerials,
                                   .limitWinners, .groupClaims, .groups]

  /// The part that spills next: the first in `spillOrder` that can free a megabyte, else the one that
  /// can free most.
  var firstToSpill: Part? {
    Self.spillOrder.first { freeable[$0.rawValue] >= Self.smallestSpill }
      ?? Self.spillOrder.filter { freeable[$0.rawValue] > 0 }.max { freeable[$0.rawValue] < freeable[$1.rawValue] }
  }

  /// The store; the part that spilled now holds nothing in memory.
  func store(for part: Part) throws -> SpillStore {
    freedSinceRelease += held[part.rawValue]
    held[part.rawValue] = 0
    freeable[part.rawValue] = 0
    reportsOverCeiling = 0
    if let opened { return opened }
    let store = try SpillStore()
    opened = store
    return store
  }

  /// The store's page cache, kept out of the pool from the start: it fills as soon as a part moves
  /// in, while that part still holds its memory (counted only once the store was open, it took a
  /// 1M-row run 8 MB past its budget for a moment).
  private let storeCache = SpillStore.cacheKiB * 1024

  /// A part that spills to sorted runs (`FingerprintRuns`) has written one, and now holds `bytes`.
  func spilled(_ part: Part, holding bytes: Int) {
    freedSinceRelease += max(0, held[part.rawValue] - bytes)
    held[part.rawValue] = bytes
    freeable[part.rawValue] = 0
    reportsOverCeiling = 0
    wroteRuns = true
  }

  /// What a part that spills to runs writes at a time, once it has spilled: a sixteenth of the pool,
  /// so it leaves the pool to the others, between 16 KB (a budget of 0: runs of some hundred entries,
  /// not one a row) and 8 MB.
  var runBytes: Int { min(8 << 20, max(16 << 10, budget / 16)) }

  /// Whether anything has gone to disk.
  var isOpen: Bool { opened != nil || wroteRuns }

  /// What each part last reported holding, in KB, for the memory figures in the benchmark notes.
  var heldSummary: String {
    (Part.allCases.map { "\($0) \(held[$0.rawValue] >> 10) KB" } + ["store cache \(storeCache >> 10) KB"]).joined(separator: ", ")
  }
}
