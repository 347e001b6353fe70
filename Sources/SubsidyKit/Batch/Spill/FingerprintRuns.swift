/// An insert-only map from 64-bit fingerprints to small integers that keeps its memory bounded by
/// spilling to sorted runs on disk: the batch's registries of what spans rows (dispatch ids, ID
/// numbers), which every row of the file passes through on the one merging thread.
///
/// It answers as `FingerprintTable` does (the first value inserted for a key is kept). New entries go
/// to a `FingerprintTable` in memory; when the run's memory pool (`SpillPlace`) says this part must
/// spill, the table is sorted and written sequentially as a new run (`FingerprintRun`) and emptied.
/// From then on the table is written out whenever it reaches `runEntries`, so the part holds little
/// more than its runs' filters and sparse indices, and the pool is left to the other parts.
///
/// A lookup tries the table, then the runs, newest first: a run's filter, its sparse index, then
/// one `pread` of one block. A key is in one place only (it is inserted after every place said no),
/// so the first answer is the answer, and a miss, the common case, costs the filters and about one
/// read in a hundred. Runs of a similar size (a tier: `runEntries` × 4ⁿ) are merged, four into one,
/// sequentially, so a lookup checks a few filters a tier, and the tiers grow as log₄ of the entries.
struct FingerprintRuns<Value: FixedWidthInteger> {
  private var table = FingerprintTable<Value>()
  /// Oldest first; their keys are disjoint, and disjoint from the table's.
  private var runs: [FingerprintRun<Value>] = []
  private let place: SpillPlace
  private let part: SpillPlace.Part
  /// Once spilled, the table is written out at this many entries; a run of a tier holds this × 4ⁿ.
  let runEntries: Int
  private let makeFile: () throws -> SpillFile
  private let block = FingerprintBlock()
  /// Entries inserted, for reporting every `place.reportEvery`.
  private var insertions = 0
  /// The runs' filters and sparse indices, in bytes.
  private var runBytes = 0
  /// Merges done so far (for tests and the debug line).
  private(set) var merges = 0

  /// Runs of one tier merged into one.
  static var fanout: Int { 4 }

  /// `runEntries`: nil takes the pool's `runBytes` worth. `makeFile`: where a run goes (tests
  /// give a file the system refuses to write).
  init(place: SpillPlace, part: SpillPlace.Part, runEntries: Int? = nil,
       makeFile: @escaping () throws -> SpillFile = { try SpillFile() }) {
    self.place = place
    self.part = part
    self.runEntries = max(1, runEntries ?? place.runBytes / MemoryBudget.hashEntry(valueBytes: MemoryLayout<Value>.size))
    self.makeFile = makeFile
  }

  /// Entries held, in memory and on disk.
  var count: Int { runs.reduce(table.count) { $0 + $1.count } }

  /// Runs on disk now.
  var runCount: Int { runs.count }

  /// Entries, runs and merges, for the debug line (`SUBSIDY_BATCH_DEBUG`).
  var summary: String { "\(count)\(runs.isEmpty ? "" : " (\(runs.count) runs on disk, \(merges) merges, \(blockReads) blocks read)")" }

  /// Blocks read from disk so far: lookups that passed a filter, and merges.
  var blockReads: Int { block.reads }

  /// What the part holds in memory: the table's arrays and the runs' filters and sparse indices.
  var memoryBytes: Int { table.allocatedBytes + runBytes }

  /// The value held for `key`.
  func value(for key: UInt64) throws -> Value? {
    if let value = table[key] { return value }
    return try onDisk(key)
  }

  /// Reads what a lookup of each key reads first: the table's slot and each run's filter block (see
  /// `FingerprintTable.touch`), a run at a time.
  func touch(_ keys: UnsafeBufferPointer<UInt64>) -> UInt64 {
    var seen = table.touch(keys)
    for run in runs { seen ^= run.touch(keys) }
    return seen
  }

  /// The value already held for `key`, or nil after storing `value` for it.
  mutating func insertIfAbsent(_ key: UInt64, _ value: Value) throws -> Value? {
    if !runs.isEmpty {
      if let earlier = table[key] { return earlier }
      if let earlier = try onDisk(key) { return earlier }
    }
    let growth = table.growth(inserting: key)
    if growth > 0 {
      if let earlier = table[key] { return earlier }
      try beforeGrowing(growth)
    }
    if let earlier = table.insertIfAbsent(key, value) { return earlier }
    try inserted()
    return nil
  }

  /// Stores `value` for `key`, which `value(for:)` has just answered nil for: the runs are not asked
  /// again (a key held on disk would then be held twice, the table's answer winning).
  mutating func insertAbsent(_ key: UInt64, _ value: Value) throws {
    let growth = table.growth(inserting: key)
    if growth > 0, table[key] == nil { try beforeGrowing(growth) }
    guard table.insertIfAbsent(key, value) == nil else { return }
    try inserted()
  }

  /// Counts an entry the table took, and spills when it is time.
  private mutating func inserted() throws {
    insertions += 1
    if !runs.isEmpty, table.count >= runEntries {
      try spill()
    } else if insertions % place.reportEvery == 0, place.report(part, bytes: memoryBytes, freeable: freeable), table.count >= runEntries {
      try spill()
    }
  }

  /// A shard of the table is about to double, holding `growth` more bytes while it does: the pool is
  /// told, and when that is more than the pool has, the table is written out instead of grown.
  /// (Counted only after each 1,024 entries, the doubling of a large table took a run past its budget
  /// between two reports.)
  private mutating func beforeGrowing(_ growth: Int) throws {
    if place.report(part, bytes: runBytes + table.allocatedBytes + growth, freeable: freeable), table.count >= runEntries { try spill() }
  }

  /// What a spill now would free: the table, when it holds enough to be written out.
  private var freeable: Int { table.count >= runEntries ? table.allocatedBytes : 0 }

  private func onDisk(_ key: UInt64) throws -> Value? {
    for run in runs.reversed() {
      if let value = try run.value(for: key, using: block) { return value }
    }
    return nil
  }

  /// Forgets everything (its files are closed, so the system frees them), and tells the pool.
  mutating func removeAll() {
    table = FingerprintTable()
    runs = []
    block.forget()
    runBytes = 0
    _ = place.report(part, bytes: 0)
  }

  /// Writes the table out as a new run and empties it, then merges any tier that is full.
  ///
  /// The table hands its entries over in key order a shard at a time (`forEachInKeyOrder`): the
  /// first spill of a table that filled the pool costs a shard's copy, not a copy of the whole table
  /// beside it.
  mutating func spill() throws {
    guard table.count > 0 else { return }
    var writer = FingerprintRunWriter<Value>(file: try makeFile(), keys: table.count)
    try table.forEachInKeyOrder { key, value in try writer.append(key, value) }
    runs.append(try writer.finish())
    // Emptied only once its run is written: a failed write leaves every entry where it was.
    table = FingerprintTable()
    try mergeFullTiers()
    runBytes = runs.reduce(0) { $0 + $1.memoryBytes }
    place.spilled(part, holding: memoryBytes)
  }

  /// A run's tier: 0 below `runEntries` × 4, then one more for each further factor of 4.
  private func tier(_ run: FingerprintRun<Value>) -> Int {
    var tier = 0, size = run.count / runEntries
    while size >= Self.fanout {
      tier += 1
      size /= Self.fanout
    }
    return tier
  }

  /// Merges the runs of any tier that holds `fanout` of them, until none does.
  private mutating func mergeFullTiers() throws {
    while true {
      let tiers = runs.map(tier)
      guard let full = tiers.first(where: { t in tiers.count(where: { $0 == t }) >= Self.fanout }) else { return }
      let chosen = runs.indices.filter { tiers[$0] == full }
      let merged = try merge(chosen.map { runs[$0] })
      // In the place of the oldest it replaces, so the runs stay roughly oldest first.
      var next: [FingerprintRun<Value>] = []
      for i in runs.indices where i == chosen[0] || !chosen.contains(i) {
        next.append(i == chosen[0] ? merged : runs[i])
      }
      block.forget()
      runs = next
      merges += 1
    }
  }

  /// One run holding every entry of `sources` (oldest first), by a sequential k-way merge; a key in
  /// two of them (never, as they are written) keeps the oldest's value, as the table would.
  private func merge(_ sources: [FingerprintRun<Value>]) throws -> FingerprintRun<Value> {
    var cursors = try sources.map { try FingerprintRunCursor($0, buffer: block) }
    var writer = FingerprintRunWriter<Value>(file: try makeFile(), keys: sources.reduce(0) { $0 + $1.count })
    while true {
      var least: Int?
      for i in cursors.indices {
        guard let key = cursors[i].key else { continue }
        if let l = least, let held = cursors[l].key, held <= key { continue }
        least = i
      }
      guard let l = least, let key = cursors[l].key else { break }
      try writer.append(key, cursors[l].value)
      for i in cursors.indices where cursors[i].key == key { try cursors[i].advance(buffer: block) }
    }
    return try writer.finish()
  }
}
