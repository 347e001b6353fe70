import Foundation
@testable import SubsidyKit
import Testing

/// The serial registries against cases a review found (session 9): ids that are the same text to
/// Unicode but different bytes are two ids, as the fingerprints say; ids that end in digits but share
/// no prefix are not a family each.
@Suite struct SerialRegistryEdgeTests {
  // "é" precomposed (U+00E9) and "e" + combining acute (U+0301); likewise a CJK compatibility
  // ideograph (U+F900) and its canonical form (U+8C48). Equal as Swift Strings, different bytes:
  // two ids for the fingerprints (and for IDIndex, which compares bytes).
  static let pairs = [("\u{E9}-0001", "e\u{301}-0001"), ("\u{F900}0001", "\u{8C48}0001")]

  /// a second, different dispatch id is rejected as a repeat (the fingerprints alone say new).
  @Test(arguments: pairs)
  func canonicallyEqualPrefixesAreTwoDispatchIDs(_ a: String, _ b: String) throws {
    #expect(Array(a.utf8) != Array(b.utf8))
    var registry = DispatchIDRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 64)))
    #expect(try registry.earlierLine(hash: DispatchIDRegistry.fingerprint(a), serial: IDSerial(a), line: 2) == nil)
    #expect(try registry.earlierLine(hash: DispatchIDRegistry.fingerprint(b), serial: IDSerial(b), line: 3) == nil)
  }

  /// once the family closes, ids spelt the other way are moved under the first spelling's
  /// fingerprint, so a real repeat of them is missed (paid twice).
  @Test func aClosedFamilyKeepsEachSpelling() throws {
    var registry = DispatchIDRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 64)), maxSerialRanges: 2)
    let rows = [("\u{E9}-0001", 2), ("e\u{301}-0005", 3), ("\u{E9}-0009", 4), ("e\u{301}-0005", 5)]
    var answers: [Int?] = []
    for (id, line) in rows { answers.append(try registry.earlierLine(hash: DispatchIDRegistry.fingerprint(id), serial: IDSerial(id), line: line)) }
    #expect(answers == [nil, nil, nil, 3])
  }

  /// two people whose ids differ in bytes share a slot of the pages.
  @Test(arguments: pairs)
  func canonicallyEqualPrefixesAreTwoPeople(_ a: String, _ b: String) throws {
    var registry = IdentityRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 64)))
    func offer(_ id: String, _ number: String, line: Int) throws -> String? {
      let idHash = IdentityRegistry.fingerprint(0, id), numberHash = IdentityRegistry.fingerprint(0, number)
      let held = try registry.held(idHash: idHash, numberHash: numberHash, kind: 0, serial: IDSerial(id))
      if let why = try registry.conflict(idHash: idHash, numberHash: numberHash, id: id, kind: .person, held: held) { return why.en }
      try registry.register(idHash: idHash, numberHash: numberHash, line: line, held: held, kind: 0, serial: IDSerial(id))
      return nil
    }
    #expect(try offer(a, "110101199003071234", line: 2) == nil)
    // Another person, another number: accepted by the fingerprints alone; here "has another ID number on line 2".
    #expect(try offer(b, "110101199104081235", line: 3) == nil)
    // Another person with the first one's number: refused by the fingerprints alone; here accepted.
    #expect(try offer(b, "110101199003071234", line: 4) != nil)
  }

  /// ids that end in digits but share no prefix (UUIDs, hashes) make a family each,
  /// never closed and never spilled: 24 MB counted (about 350 MB resident at 1M ids) where the
  /// fingerprints spilled and stayed flat.
  @Test func idsWithoutACommonPrefixHoldNoRanges() {
    var ranges = DispatchSerialRanges()
    for i in 0..<100_000 {
      let id = "d-\(String(UInt64(i) &* 0x9E37_79B9_7F4A_7C15, radix: 16))-\(i % 10)"
      _ = ranges.earlierLine(IDSerial(id)!, line: i + 2)
    }
    #expect(ranges.memoryBytes < 1 << 20, "\(ranges.memoryBytes) bytes")
  }

  /// a person each family costs a 512 KB page each (plus a scan of it when closed).
  @Test func peopleWithoutACommonPrefixTakeNoPages() throws {
    var values = SerialValues()
    for i in 0..<200 {
      let serial = IDSerial("550e8400-e29b-41d4-\(String(i, radix: 16))-446655440000")!
      if case .absent = try values.value(kind: 0, serial) { _ = try values.store(kind: 0, serial, key: UInt32(i + 2), line: UInt32(i + 2)) }
    }
    let bytes = values.memoryBytes + values.lineBytes
    #expect(bytes <= SerialValues.maxFamilies * SerialValues.pageSize * 8, "\(bytes >> 20) MB")
  }
}

/// With the families capped: still a dictionary's answers (keyed by bytes) when ids of many prefixes come back.
@Suite struct SerialRegistryFamilyCapTests {
  @Test func manyPrefixesAnswerLikeADictionary() throws {
    var registry = DispatchIDRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 0)))
    var model: [[UInt8]: Int] = [:]
    var state: UInt64 = 3
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % n
    }
    var seen: [String] = []
    for line in 2..<20_000 {
      let id = next(4) == 0 && !seen.isEmpty ? seen[next(seen.count)] : "u\(next(3_000))-\(String(format: "%04d", next(50)))"
      let expected = model[Array(id.utf8)]
      #expect(try registry.earlierLine(hash: DispatchIDRegistry.fingerprint(id), serial: IDSerial(id), line: line) == expected, "\(id)")
      if expected == nil { model[Array(id.utf8)] = line; seen.append(id) }
    }
    var values = IdentityRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 64)))
    var byFingerprint = IdentityRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 64)))
    for line in 2..<20_000 {
      let id = "p\(next(500))-\(String(format: "%03d", next(20)))", number = "1101011990\(String(format: "%08d", next(12_000)))"
      let idHash = IdentityRegistry.fingerprint(1, id), numberHash = IdentityRegistry.fingerprint(1, number)
      func offer(_ r: inout IdentityRegistry, _ serial: IDSerial?) throws -> String? {
        let held = try r.held(idHash: idHash, numberHash: numberHash, kind: 1, serial: serial)
        if let why = try r.conflict(idHash: idHash, numberHash: numberHash, id: id, kind: .person, held: held) { return why.en }
        try r.register(idHash: idHash, numberHash: numberHash, line: line, held: held, kind: 1, serial: serial)
        return nil
      }
      #expect(try offer(&values, IDSerial(id)) == offer(&byFingerprint, nil), "\(id)")
    }
  }
}
