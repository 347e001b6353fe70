import Foundation
@testable import SubsidyKit
import Testing

/// The file-wide repeated-dispatch-id check, with ids held as ranges of serials and as fingerprints:
/// its answers must be a dictionary's (the first line of each id), whatever the ids' order, families
/// and widths, and whether a family's ranges were closed.
@Suite struct DispatchIDRegistryTests {
  @Test func aSerialIsExactlyItsID() {
    let serial = IDSerial("D00000123")
    #expect(serial?.prefix == "D" && serial?.width == 8 && serial?.number == 123)
    #expect(IDSerial("2024-0007")?.prefix == "2024-" && IDSerial("2024-0007")?.width == 4)
    #expect(IDSerial("42")?.prefix == "" && IDSerial("42")?.number == 42)
    #expect(IDSerial("派遣一号") == nil)
    #expect(IDSerial("D1x") == nil)
    #expect(IDSerial("X" + String(repeating: "9", count: 19)) == nil)
    #expect(IDSerial("X" + String(repeating: "9", count: 18))?.number == 999_999_999_999_999_999)
    // Leading zeros are part of the family: `D7` and `D07` are two ids.
    #expect(IDSerial("D7")?.width == 1 && IDSerial("D07")?.width == 2)
  }

  /// Ids in runs (an export's order), shuffled runs, repeats near and far, other families and widths,
  /// ids with no serial; lines that skip (rejected rows) and jump (a multi-line cell).
  @Test(arguments: [3, 64, DispatchSerialRanges.defaultMaxRanges])
  func answersLikeADictionary(maxRanges: Int) throws {
    var registry = DispatchIDRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 0)), maxSerialRanges: maxRanges)
    // Keyed by bytes, as the registry compares ids (a `String` key deems canonically equal text one id).
    var model: [[UInt8]: Int] = [:]
    var state: UInt64 = UInt64(maxRanges)
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % n
    }
    var line = 2
    var serial = 1
    var seen: [String] = []
    var repeats = 0
    for _ in 0..<30_000 {
      let id: String
      switch next(20) {
      case 0..<13: id = "D" + String(format: "%08d", serial); serial += 1
      case 13: id = "D" + String(format: "%08d", next(serial + 50) + 1)
      case 14: id = seen.isEmpty ? "D1" : seen[next(seen.count)]
      case 15: id = "D" + String(next(5_000))
      case 16: id = "LW2024-" + String(format: "%05d", next(3_000))
      case 17: id = "派遣-" + String(next(400))
      case 18: id = String(next(2_000))
      default: serial += next(3); id = "D" + String(format: "%08d", serial)
      }
      line += next(10) == 0 ? 2 + next(3) : 1
      let expected = model[Array(id.utf8)]
      let answer = try registry.earlierLine(hash: DispatchIDRegistry.fingerprint(id), serial: IDSerial(id), line: line)
      #expect(answer == expected, "\(id) on line \(line)")
      if expected == nil { model[Array(id.utf8)] = line; seen.append(id) } else { repeats += 1 }
    }
    #expect(repeats > 1_000)
  }

  /// In order, a million ids are a few ranges, not a million fingerprints.
  @Test func idsInOrderAreAFewRanges() throws {
    var registry = DispatchIDRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 0)))
    for i in 1...100_000 where i % 10_000 != 0 {
      let id = "D" + String(format: "%08d", i)
      #expect(try registry.earlierLine(hash: DispatchIDRegistry.fingerprint(id), serial: IDSerial(id), line: i + 1) == nil)
    }
    #expect(registry.summary.hasPrefix("dispatch ids 0 "), "\(registry.summary)")
    #expect(registry.summary.contains(" 10 ranges"), "\(registry.summary)")
    let again = "D00012345"
    #expect(try registry.earlierLine(hash: DispatchIDRegistry.fingerprint(again), serial: IDSerial(again), line: 999_999) == 12_346)
  }
}
