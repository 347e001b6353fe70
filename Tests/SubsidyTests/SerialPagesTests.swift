import Foundation
@testable import SubsidyKit
import Testing

/// The people held by serial (`SerialValues`) keep their numbers' keys and their first lines in pages
/// of their own, which go to disk when the pool needs memory (`SerialPageFile`): a person who comes
/// back, and a conflict's message, must read what was stored, however many conflicts there are, and
/// whether the page was in memory, on disk, or handed to the fingerprints when its family closed.
@Suite struct SerialPagesTests {
  private static func serial(_ i: Int) -> IDSerial { IDSerial("P" + String(format: "%08d", i))! }
  private static let page = SerialValues.pageSize

  /// Pages written out (all but the newest), a person met after their page went out, values read back
  /// one slot at a time, then the family closed: every value handed over is the one stored.
  @Test func pagesOnDiskReadBackAsStored() throws {
    var values = SerialValues()
    func store(_ i: Int) throws {
      guard case .absent = try values.value(kind: 0, Self.serial(i)) else { Issue.record("P\(i) held before"); return }
      #expect(try values.store(kind: 0, Self.serial(i), key: UInt32(i % 7), line: UInt32(i + 2)) == .stored)
    }
    let pages = SerialValues.defaultHotPages + 4
    for i in stride(from: 0, to: pages * Self.page, by: 4) { try store(i) }
    #expect(values.lineBytes == pages * Self.page * 4)
    try values.writeLinesOut()
    #expect(values.lineBytes == SerialValues.defaultHotPages * Self.page * 4 && values.diskTraffic.pages == 4)
    try values.writeKeysOut()
    #expect(values.memoryBytes == SerialValues.defaultHotPages * Self.page * 4 && values.diskTraffic.pages == 8)
    // Stored in place on disk (a key and a line each), then a new page: the oldest in memory goes out.
    for i in stride(from: 1, to: 1_001, by: 4) { try store(i) }
    #expect(values.diskTraffic.writes == 2 * 250)
    try store(pages * Self.page + 3)
    #expect(values.diskTraffic.pages == 10 && values.lineBytes == SerialValues.defaultHotPages * Self.page * 4)
    let reads = values.diskTraffic.reads
    for i in [0, 1, 997, 4 * Self.page - 4, 4 * Self.page, 5 * Self.page - 4, pages * Self.page - 4, pages * Self.page + 3] {
      guard case .value(let key, let slot) = try values.value(kind: 0, Self.serial(i)) else { Issue.record("P\(i) not held"); continue }
      let line = try values.line(at: slot)
      #expect(key == UInt32(i % 7) && line == UInt32(i + 2), "P\(i)")
    }
    #expect(values.diskTraffic.reads - reads == 2 * 6, "a key and a line read for each of the six on disk")
    guard case .absent = try values.value(kind: 0, Self.serial(2)) else { Issue.record("P2 held"); return }
    var handed: [UInt64: (UInt32, UInt32)] = [:]
    try values.close(familyOf: Self.serial(0), kind: 0) { handed[$0] = ($1, $2) }
    let fingerprints = IDSerial.Fingerprints(prefix: "P", width: 8, seed: 0)
    #expect(handed.count == pages * Self.page / 4 + 250 + 1)
    for i in [0, 1, 2, 997, 1_001, 4 * Self.page, pages * Self.page - 4, pages * Self.page + 3] {
      let entry = handed[fingerprints.of(UInt64(i))]
      let stored = i % 4 == 0 || (i < 1_001 && i % 4 == 1) || i == pages * Self.page + 3
      #expect(entry?.0 == (stored ? UInt32(i % 7) : nil) && entry?.1 == (stored ? UInt32(i + 2) : nil), "P\(i)")
    }
    #expect(values.memoryBytes == 0 && values.lineBytes == 0)
  }

  private static func number(_ i: Int) -> UInt64 { IdentityRegistry.fingerprint(0, "11010119900307\(String(format: "%04d", i))") }

  private static func offer(_ registry: inout IdentityRegistry, _ i: Int, number: UInt64, line: Int) throws -> String? {
    let idHash = IdentityRegistry.fingerprint(0, "P" + String(format: "%08d", i))
    let held = try registry.held(idHash: idHash, numberHash: number, kind: 0, serial: serial(i))
    if let why = try registry.conflict(idHash: idHash, numberHash: number, id: "P\(i)", kind: .person, held: held) { return why.en }
    try registry.register(idHash: idHash, numberHash: number, line: line, held: held, kind: 0, serial: serial(i))
    return nil
  }

  /// A pool too small for the pages: they go to disk, the family stays open, and each of many
  /// conflicts on an old page names its person's first line with a read of the key and one of the
  /// line, writing nothing and holding no more memory.
  @Test func manyConflictsOnPagesOnDiskNameTheFirstLineInTwoReadsEach() throws {
    let place = SpillPlace(budget: MemoryBudget(megabytes: 1))
    var registry = IdentityRegistry(place: place)
    let people = (SerialValues.defaultHotPages + 4) * Self.page / 4
    for k in 0..<people { #expect(try Self.offer(&registry, 4 * k, number: Self.number(k), line: k + 2) == nil) }
    let out = registry.serialDiskTraffic, held = place.heldSummary
    #expect(out.pages >= 8, "the pages stayed in memory: \(registry.summary)")
    #expect(registry.summary.contains("and \(people) by serial"), "the family closed: \(registry.summary)")
    for n in 0..<5_000 {
      let k = (n &* 7_919) % (Self.page / 4)
      let why = try Self.offer(&registry, 4 * k, number: Self.number(people + n), line: people + n + 2)
      #expect(why == "person `P\(4 * k)` has another ID number on line \(k + 2); one person has one ID number", "P\(4 * k)")
    }
    let after = registry.serialDiskTraffic
    #expect(after.reads - out.reads == 2 * 5_000 && after.pages == out.pages && after.writes == out.writes)
    #expect(place.heldSummary == held)
  }

  /// A number whose fingerprint's upper 32 bits are 0 is a key of 0, which the pages read as
  /// "none": the person must still be known when they come back, with their page in memory, and
  /// (a budget of 0) on disk.
  @Test(arguments: [64, 0])
  func aKeyOfZeroIsStillAPerson(megabytes: Int) throws {
    var registry = IdentityRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: megabytes)))
    let zero: UInt64 = 0x0000_0000_8765_4321, other: UInt64 = 0x0000_0001_8765_4321
    #expect(try Self.offer(&registry, 5, number: zero, line: 2) == nil)
    #expect(try Self.offer(&registry, 6, number: Self.number(6), line: 3) == nil)
    if megabytes == 0 {
      // Enough pages after it that its page goes to disk.
      for k in 1...((SerialValues.defaultHotPages + 1) * Self.page / 4) {
        #expect(try Self.offer(&registry, 4 * k, number: Self.number(10_000 + k), line: 3) == nil)
      }
      #expect(registry.serialDiskTraffic.pages > 0, "\(registry.summary)")
    }
    #expect(try Self.offer(&registry, 5, number: zero, line: 4) == nil)
    #expect(try Self.offer(&registry, 5, number: other, line: 5) == "person `P5` has another ID number on line 2; one person has one ID number")
    #expect(try Self.offer(&registry, 7, number: zero, line: 6) == "is the ID number of another person on line 2; an ID number identifies one person")
  }

  /// A page the system will not write (`/dev/full`) stops the run with the spill's message, the
  /// page still in memory.
  @Test func aPageFileThatCannotBeWrittenIsAnError() throws {
    try #require(FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full")
    var values = SerialValues(makeFile: { try SpillFile(opening: "/dev/full") })
    for i in stride(from: 0, to: (SerialValues.defaultHotPages + 1) * Self.page, by: 4) {
      #expect(try values.store(kind: 0, Self.serial(i), key: 9, line: UInt32(i + 2)) == .stored)
    }
    let error = #expect(throws: SpillError.self) { try values.writeLinesOut() }
    #expect(error?.text.en.contains("cannot write a temporary file in `/dev/full`") == true, "\(String(describing: error))")
    guard case .value(9, let slot) = try values.value(kind: 0, Self.serial(8)) else { Issue.record("P8 lost"); return }
    #expect(try values.line(at: slot) == 10)
  }
}
