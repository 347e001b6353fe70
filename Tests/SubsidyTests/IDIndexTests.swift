import PolicyEval
import Testing

/// `IDIndex`, the id → record table every `Facts.Table` looks ids up in, against a `Dictionary`
/// doing the same: inserts, lookups by string and by bytes, updates, removals (a rejected row taken
/// back), growth past every size, ids of every length around the 8-byte hash step, and UTF-8.
@Suite struct IDIndexTests {
  /// A small deterministic generator, so a failure can be replayed.
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 11
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  }

  func id(_ n: Int, _ random: inout Random) -> String {
    // Lengths 0…20 (around the 8- and 16-byte steps), ASCII and Chinese.
    let length = random.below(21)
    let alphabet = Array("0123456789ABCDEFX-_王李")
    return String((0..<length).map { i in alphabet[(n &* 31 &+ i &* 7 &+ random.below(3)) % alphabet.count] })
  }

  @Test(arguments: [1, 2, 3])
  func behavesAsADictionary(seed: UInt64) {
    var random = Random(state: seed)
    var index = IDIndex()
    var model: [String: Int] = [:]
    var pool: [String] = []
    for step in 0..<20_000 {
      let key = pool.isEmpty || random.below(3) == 0 ? id(step, &random) : pool[random.below(pool.count)]
      pool.append(key)
      switch random.below(6) {
      case 0, 1:
        var bytes = key
        let got = bytes.withUTF8 { index.insertIfAbsent($0, position: step) }
        if let existing = model[key] {
          #expect(got.position == existing && !got.inserted)
        } else {
          #expect(got.position == step && got.inserted)
          model[key] = step
        }
      case 2:
        index[key] = step
        model[key] = step
      case 3:
        index[key] = nil
        model[key] = nil
      default:
        var bytes = key
        #expect(index[key] == model[key], "\(key)")
        #expect(bytes.withUTF8 { index.find($0) } == model[key], "\(key)")
      }
      #expect(index.count == model.count)
    }
    for (key, value) in model { #expect(index[key] == value) }
  }

  /// A key of up to 16 bytes is told apart by its length and two words, a longer one by its bytes
  /// too: ids that differ in one byte only, at every place, of every length to 24, are all different.
  @Test func idsDifferingInOneByteAreDifferent() {
    var index = IDIndex()
    var expected: [String: Int] = [:]
    for length in 1...24 {
      let base = Array(repeating: UInt8(ascii: "0"), count: length)
      for place in 0..<length {
        for digit in [UInt8(ascii: "1"), UInt8(ascii: "9")] {
          var bytes = base
          bytes[place] = digit
          let key = String(decoding: bytes, as: UTF8.self)
          let got = bytes.withUnsafeBufferPointer { index.insertIfAbsent($0, position: expected.count) }
          #expect(got.inserted, "\(key) was taken for another id")
          expected[key] = got.position
        }
      }
      let key = String(decoding: base, as: UTF8.self)
      #expect(index[key] == nil, "\(key) was found though never stored")
    }
    for (key, position) in expected { #expect(index[key] == position, "\(key)") }
  }

  @Test func reservedIndexHoldsWhatItWasGivenAndFindsNothingElse() {
    var index = IDIndex()
    index.reserveCapacity(4_096)
    for n in 0..<5_000 { index["D\(n)"] = n }
    #expect(index.count == 5_000)
    // (Loops, not `allSatisfy { … $0 … }` inside `#expect`: the macro's expansion misreads `$0` in a
    // string interpolation within a closure.)
    for n in 0..<5_000 { #expect(index["D\(n)"] == n, "D\(n)") }
    #expect(index["D5000"] == nil && index[""] == nil && index["d1"] == nil)
    // Emptied and refilled: tombstones do not make lookups wrong or endless.
    for n in 0..<5_000 { index["D\(n)"] = nil }
    #expect(index.count == 0 && index["D1"] == nil)
    for n in 0..<100 { index["E\(n)"] = n }
    for n in 0..<100 { #expect(index["E\(n)"] == n, "E\(n)") }
    #expect(index["D1"] == nil)
  }
}

