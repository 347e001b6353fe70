@testable import SubsidyKit
import Testing

/// `FingerprintTable`, the registries' map from fingerprints to lines, against a `Dictionary`:
/// first value kept, growth, key 0 (the empty mark), and keys that differ only in their high bits.
@Suite struct FingerprintTableTests {
  @Test func keepsTheFirstValueOfEveryKeyLikeADictionary() {
    var table = FingerprintTable<Int32>()
    var model: [UInt64: Int32] = [:]
    var state: UInt64 = 42
    for step in 0..<50_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      // Keys from a small range (repeats), 0, and ones differing only above bit 48.
      let key: UInt64 = switch step % 4 {
      case 0: state % 20_000
      case 1: 0
      case 2: UInt64(step % 300) << 52
      default: state
      }
      let value = Int32(truncatingIfNeeded: step)
      let earlier = table.insertIfAbsent(key, value)
      #expect(earlier == model[key])
      if model[key] == nil { model[key] = value }
    }
    #expect(table.count == model.count)
    var seen: [UInt64: Int32] = [:]
    table.forEach { seen[$0] = $1 }
    #expect(seen == model)
    for (key, value) in model { #expect(table[key] == value) }
    #expect(table[0xDEAD_BEEF_0000_0001] == nil)
    var ordered: [UInt64] = []
    table.forEachInKeyOrder { key, value in
      ordered.append(key)
      #expect(model[key] == value)
    }
    #expect(ordered == model.keys.sorted())
  }

  /// `touch` (the warm-up before a chunk's lookups) reads the slot a lookup probes first: for a key
  /// alone in its shard that is the key itself; an empty slot reads 0; key 0 (held aside) is skipped.
  @Test func touchReadsTheSlotALookupProbesFirst() {
    var table = FingerprintTable<UInt64>()
    let key: UInt64 = 0x1234_5678_9ABC_DEF1
    #expect([key].withUnsafeBufferPointer { table.touch($0) } == 0)
    _ = table.insertIfAbsent(key, 7)
    _ = table.insertIfAbsent(0, 8)
    #expect([key, 0].withUnsafeBufferPointer { table.touch($0) } == key)
    #expect(table[key] == 7 && table[0] == 8 && table.count == 2)
  }

  /// The table grows a shard at a time: an insert never holds more than a small part of the table
  /// twice over (one array's doubling held three times a 16 MB table at once, and the pool spilled
  /// the registry that every returning person reads).
  @Test func growsAShardAtATime() {
    var table = FingerprintTable<UInt64>()
    var state: UInt64 = 7
    var largest = 0
    for _ in 0..<200_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      largest = max(largest, table.growth(inserting: state))
      _ = table.insertIfAbsent(state, 1)
    }
    #expect(table.allocatedBytes >= 200_000 * 16)
    #expect(largest > 0 && largest <= table.allocatedBytes / 16)
  }
}

/// `--memory` is the run's: the process and the chunks in flight come out of it before the pool of
/// the state that spans rows.
@Suite struct MemoryBudgetShareTests {
  @Test func thePoolIsWhatTheProcessAndTheChunksLeave() {
    let mb = 1 << 20
    let budget = MemoryBudget(megabytes: 128)
    let inFlight = MemoryBudget.inFlightBytesPerRow * 4_096 * 2 + MemoryBudget.readerBytes
    #expect(budget.crossRowShare(resident: 40 * mb, chunkRows: 4_096, threads: 2).bytes == 128 * mb - 40 * mb - inFlight)
    #expect(budget.crossRowShare(resident: 200 * mb, chunkRows: 4_096, threads: 2).bytes == 0)
    #expect(MemoryBudget(megabytes: 0).crossRowShare(resident: 0, chunkRows: 1, threads: 1).bytes == 0)
  }

  /// The accounts are estimates: a process over `--memory` makes a part that holds something spill,
  /// however little the accounts say the pool holds; a process within it, or a part holding next to
  /// nothing, does not.
  @Test func aProcessOverItsMemoryMakesAPartSpill() {
    let mb = 1 << 20
    func reportsUntilSpill(resident: Int, holding: Int) -> Int? {
      let place = SpillPlace(budget: MemoryBudget(megabytes: 64), ceiling: MemoryBudget(megabytes: 128), resident: { resident })
      for n in 1...100 where place.report(.identities, bytes: holding) { return n }
      return nil
    }
    #expect(reportsUntilSpill(resident: 150 * mb, holding: 2 * mb) == 16)
    #expect(reportsUntilSpill(resident: 100 * mb, holding: 2 * mb) == nil)
    #expect(reportsUntilSpill(resident: 150 * mb, holding: mb / 2) == nil)
    // Over the pool's own budget it spills at once, whatever the process holds.
    #expect(reportsUntilSpill(resident: 0, holding: 65 * mb) == 1)
  }

  /// Over the ceiling only by pages the allocator kept: they are given back, and nothing spills.
  @Test func memoryFreedButKeptIsGivenBackBeforeAnythingSpills() {
    let mb = 1 << 20
    final class Process: @unchecked Sendable {
      // Unchecked: used by one test on one thread.
      var resident = 150 << 20
      var releases = 0
    }
    let process = Process()
    let place = SpillPlace(budget: MemoryBudget(megabytes: 64), ceiling: MemoryBudget(megabytes: 128), resident: { process.resident },
                           releaseFreedMemory: {
                             process.releases += 1
                             process.resident = 100 << 20
                           })
    #expect(!place.report(.limitWinners, bytes: 10 * mb))
    // Until the accounts have gone down by `releaseAfter`, there is nothing to give back: the part spills.
    #expect((1...16).contains { _ in place.report(.identities, bytes: 2 * mb) })
    #expect(process.releases == 0)
    place.spilled(.identities, holding: 0)
    #expect(!place.report(.limitWinners, bytes: 10 * mb - SpillPlace.releaseAfter))
    for _ in 1...100 { #expect(!place.report(.identities, bytes: 2 * mb)) }
    #expect(process.releases == 1)
  }

  /// A little over its budget, the pool sends the part cheapest to have on disk first, whichever part
  /// reports: the dispatch ids (their lookups mostly miss), not the identities (every returning
  /// person's row reads them); far over, whichever part reports spills.
  @Test func whatIsCheapestOnDiskSpillsFirst() {
    let mb = 1 << 20
    let place = SpillPlace(budget: MemoryBudget(megabytes: 64))
    let storeCache = SpillStore.cacheKiB * 1024
    #expect(!place.report(.dispatchIDs, bytes: 20 * mb))
    #expect(!place.report(.identities, bytes: 64 * mb - 20 * mb - storeCache))
    // 2 MB over: the identities are told to wait, the dispatch ids to spill.
    #expect(!place.report(.identities, bytes: 64 * mb - 18 * mb - storeCache))
    #expect(place.report(.dispatchIDs, bytes: 20 * mb))
    // Dispatch ids whose table is too small to write out (nothing to free) do not hold the others up.
    #expect(!place.report(.dispatchIDs, bytes: 20 * mb, freeable: 0))
    #expect(place.report(.identities, bytes: 64 * mb - 18 * mb - storeCache))
    // Far over (more than an eighth), whoever reports spills.
    #expect(place.report(.identities, bytes: 64 * mb, freeable: 0) == true)
  }
}
