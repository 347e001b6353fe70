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
}
