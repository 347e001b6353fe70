import Foundation
@testable import SubsidyKit
import Testing

/// `FingerprintRuns`, the registries' map that spills to sorted runs on disk, against a `Dictionary`
/// with a budget of 0 and tiny runs: many runs and many merges, key 0, keys that differ only in their
/// high bits; its files leave no name behind; and a file the system refuses is an error, not a crash.
@Suite struct FingerprintRunsTests {
  /// A pseudo-random walk: keys from a small range (repeats), 0, ones differing only above bit 52,
  /// and any 64-bit value.
  private struct Keys {
    var state: UInt64
    mutating func next(_ step: Int) -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return switch step % 5 {
      case 0: state % 20_000
      case 1: step % 97 == 1 ? 0 : state >> 1
      case 2: UInt64(step % 1_000) << 52
      case 3: UInt64.max - state % 500
      default: state
      }
    }
  }

  /// The table is written out before it doubles past the pool, not after: what it holds never goes
  /// over the budget, even between two of its reports (every 1,024 entries).
  @Test func theTableSpillsBeforeItDoublesPastThePool() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let budget = MemoryBudget(megabytes: 1)
    var runs = FingerprintRuns<Int32>(place: SpillPlace(budget: budget), part: .dispatchIDs, runEntries: 1_024,
                                      makeFile: { try SpillFile(in: dir.path) })
    var keys = Keys(state: 99)
    var most = 0
    for step in 0..<150_000 {
      _ = try runs.insertIfAbsent(keys.next(4) | 1, Int32(truncatingIfNeeded: step))
      most = max(most, runs.memoryBytes)
    }
    #expect(runs.runCount > 0)
    #expect(most <= budget.bytes, "held \(most) bytes against a pool of \(budget.bytes)")
  }

  @Test(arguments: [16, 64, 1_000])
  func answersLikeADictionaryAcrossRunsAndMerges(runEntries: Int) throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var runs = FingerprintRuns<Int32>(place: SpillPlace(budget: MemoryBudget(megabytes: 0)), part: .dispatchIDs,
                                      runEntries: runEntries, makeFile: { try SpillFile(in: dir.path) })
    var model: [UInt64: Int32] = [:]
    var keys = Keys(state: UInt64(runEntries))
    var mostRuns = 0
    for step in 0..<40_000 {
      let key = keys.next(step)
      let value = Int32(truncatingIfNeeded: step &* 7_919)
      if step % 7 == 0 {
        // As the identity registry records: look up, then store what was absent.
        let held = try runs.value(for: key)
        #expect(held == model[key], "step \(step), key \(key)")
        if held == nil { try runs.insertAbsent(key, value) }
      } else {
        #expect(try runs.insertIfAbsent(key, value) == model[key], "step \(step), key \(key)")
      }
      if model[key] == nil { model[key] = value }
      // Lookups between inserts: one held, one perhaps never inserted.
      if step % 3 == 0 {
        let probe = keys.next(step + 1)
        #expect(try runs.value(for: probe) == model[probe], "step \(step), probe \(probe)")
      }
      mostRuns = max(mostRuns, runs.runCount)
    }
    #expect(runs.count == model.count)
    for (key, value) in model { #expect(try runs.value(for: key) == value, "key \(key)") }
    for high in 0..<64 { #expect(try runs.value(for: (1 << 63) | UInt64(high) << 40 | 0xABCD) == model[(1 << 63) | UInt64(high) << 40 | 0xABCD]) }
    // Many runs written and merged, yet a lookup checks a few a tier.
    #expect(runs.merges >= (runEntries == 1_000 ? 1 : 10), "\(runs.merges) merges")
    var tiers = 1, size = model.count / runEntries
    while size >= 4 {
      tiers += 1
      size /= 4
    }
    #expect(mostRuns <= 3 * tiers + 1, "\(mostRuns) runs at once for \(tiers) tiers")
    // What it holds in memory: the table and about 10 bits a key on disk, not the entries.
    #expect(runs.memoryBytes < runEntries * MemoryBudget.hashEntry(valueBytes: 4) + model.count * 2)
    // The run files have no name: nothing is left in the folder, even while they are open.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func keepsWideValuesWhole() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var runs = FingerprintRuns<UInt64>(place: SpillPlace(budget: MemoryBudget(megabytes: 0)), part: .identities,
                                       runEntries: 50, makeFile: { try SpillFile(in: dir.path) })
    var model: [UInt64: UInt64] = [:]
    var keys = Keys(state: 99)
    for step in 0..<6_000 {
      let key = keys.next(step)
      let value = key ^ 0xF0F0_F0F0_0000_0001 &* UInt64(step)
      #expect(try runs.insertIfAbsent(key, value) == model[key])
      if model[key] == nil { model[key] = value }
    }
    #expect(runs.runCount > 1)
    for (key, value) in model { #expect(try runs.value(for: key) == value) }
    // Past the file's last row the batch forgets it all.
    runs.removeAll()
    #expect(runs.count == 0 && runs.runCount == 0 && runs.memoryBytes == 0)
    for key in model.keys.prefix(100) { #expect(try runs.value(for: key) == nil) }
  }

  /// A large table is written a shard (a range of keys) at a time, into one sorted run: keys at the
  /// shards' edges (0, 2⁵⁸ − 1, 2⁵⁸, 2⁶³ − 1, 2⁶³, the top) land in it once and in order.
  @Test func aLargeTableIsWrittenAShardAtATime() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let entries = 100_123
    var runs = FingerprintRuns<Int32>(place: SpillPlace(budget: MemoryBudget(megabytes: 0)), part: .dispatchIDs,
                                      runEntries: entries, makeFile: { try SpillFile(in: dir.path) })
    var model: [UInt64: Int32] = [:]
    let edges: [UInt64] = [0, 1 << 58 - 1, 1 << 58, 1 << 63 - 1, 1 << 63, UInt64.max / 3, UInt64.max / 3 + 1, UInt64.max]
    var keys = Keys(state: 5)
    var step = 0
    while model.count < entries {
      let key = model.count < edges.count ? edges[model.count] : keys.next(step | 3)
      step += 1
      if model[key] == nil { model[key] = Int32(model.count) }
      _ = try runs.insertIfAbsent(key, model[key] ?? 0)
    }
    #expect(runs.runCount == 1)
    for (key, value) in model { #expect(try runs.value(for: key) == value, "key \(key)") }
    #expect(try runs.value(for: 12_345) == model[12_345])
  }

  /// A file the system will not write (`/dev/full`: "no space left on device") stops the spill with
  /// the store's "disk full?" hint; a folder that does not exist, without it. Nothing is lost from
  /// memory by a failed spill.
  @Test func aFileThatCannotBeWrittenIsAnError() throws {
    try #require(FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full")
    var full = FingerprintRuns<Int32>(place: SpillPlace(budget: MemoryBudget(megabytes: 0)), part: .dispatchIDs,
                                      runEntries: 8, makeFile: { try SpillFile(opening: "/dev/full") })
    var failure: (any Error)?
    for key in UInt64(1)...8 {
      do {
        _ = try full.insertIfAbsent(key, Int32(key))
      } catch {
        failure = error
      }
    }
    let error = try #require(failure as? SpillError)
    #expect(error.text.en.contains("cannot write a temporary file in `/dev/full`"), "\(error.text.en)")
    #expect(error.text.en.hasSuffix("(is the temporary folder's disk full?)"), "\(error.text.en)")
    #expect(error.text.zh.contains("磁盘是否已满"))
    for key in UInt64(1)...8 { #expect(try full.value(for: key) == Int32(key)) }

    let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-folder-\(UUID().uuidString)").path
    var nowhere = FingerprintRuns<Int32>(place: SpillPlace(budget: MemoryBudget(megabytes: 0)), part: .dispatchIDs,
                                         runEntries: 1, makeFile: { try SpillFile(in: missing) })
    let refused = #expect(throws: SpillError.self) { _ = try nowhere.insertIfAbsent(1, 1) }
    #expect(refused?.text.en.contains("cannot create a temporary file in `\(missing)`") == true, "\(String(describing: refused))")
    #expect(refused?.text.en.contains("disk full") == false)
  }

  /// A run file cut short behind its back (another program): a lookup that reads it is an error.
  @Test func aRunCutShortIsAnError() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    final class Made { var files: [SpillFile] = [] }
    let made = Made()
    var runs = FingerprintRuns<Int32>(place: SpillPlace(budget: MemoryBudget(megabytes: 0)), part: .dispatchIDs,
                                      runEntries: 1_000, makeFile: {
      let file = try SpillFile(in: dir.path)
      made.files.append(file)
      return file
    })
    for key in UInt64(1)...1_000 { _ = try runs.insertIfAbsent(key, Int32(key)) }
    #expect(runs.runCount == 1)
    // Three blocks: the first read, the file cut, then the last asked for.
    #expect(try runs.value(for: 50) == 50)
    for file in made.files { #expect(ftruncate(file.descriptor, 0) == 0) }
    let error = #expect(throws: SpillError.self) { _ = try runs.value(for: 900) }
    #expect(error?.text.en.contains("ended early") == true, "\(String(describing: error))")
  }
}

/// The filter that keeps a lookup of a new key off the disk: never a false "no", and about 1 % false
/// "maybe" at 10 bits a key (a key mapped to the wrong block, or every key to one, answers "maybe"
/// nearly always and still passes every test of answers).
@Suite struct BlockedBloomFilterTests {
  @Test(arguments: [1, 1_000, 200_000])
  func aKeyNotAddedIsRarelyAMaybe(keys: Int) {
    let filter = BlockedBloomFilter(keys: keys)
    var state: UInt64 = 7
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state
    }
    var added: [UInt64] = []
    for i in 0..<keys {
      // Half random, half differing only in their high bits.
      let key = i % 2 == 0 ? next() : UInt64(i) << 44
      added.append(key)
      filter.insert(key)
    }
    #expect(added.allSatisfy(filter.mayContain))
    #expect(filter.bytes <= max(64, keys * BlockedBloomFilter.bitsPerKey / 8 + 64))
    let probes = 100_000
    var maybes = 0
    for _ in 0..<probes where filter.mayContain(next() | 1) { maybes += 1 }
    #expect(maybes < probes / 50, "\(maybes) of \(probes) keys never added answered maybe")
  }
}

/// Lookups of keys the runs do not hold (most rows: a new dispatch id) read about one block in a hundred.
@Suite struct FingerprintRunsReadTests {
  @Test func aMissRarelyReadsTheDisk() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var runs = FingerprintRuns<Int32>(place: SpillPlace(budget: MemoryBudget(megabytes: 0)), part: .dispatchIDs,
                                      runEntries: 5_000, makeFile: { try SpillFile(in: dir.path) })
    for key in UInt64(1)...50_000 { _ = try runs.insertIfAbsent(key &* 0x9E37_79B9_7F4A_7C15, 1) }
    #expect(runs.runCount >= 3)
    let before = runs.blockReads
    for key in UInt64(1)...20_000 { #expect(try runs.value(for: key &* 0xC2B2_AE3D_27D4_EB4F | 1 << 63) == nil) }
    let reads = runs.blockReads - before
    #expect(reads < 20_000 * runs.runCount / 50, "\(reads) blocks read for 20,000 misses over \(runs.runCount) runs")
  }
}
