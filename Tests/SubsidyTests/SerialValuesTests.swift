import Foundation
@testable import SubsidyKit
import Testing

/// People whose ids end in a serial number are held by serial in the ID-number registry
/// (`SerialValues`); every answer must be the one the fingerprints alone give, whether the family
/// stays open, is closed for being sparse, or is closed because the pool needs its memory.
@Suite struct SerialValuesTests {
  @Test func aFamilysFingerprintsAreItsIDsFingerprints() {
    for (prefix, width, kind) in [("P", 8, 0), ("PX", 5, 3), ("", 3, 1), ("人员-", 18, 2)] {
      let fingerprints = IDSerial.Fingerprints(prefix: prefix, width: width, seed: UInt64(kind))
      for serial: UInt64 in [0, 1, 7, 42, 999, 12_345, 999_999_999_999_999_999] where String(serial).count <= width {
        let text = prefix + String(repeating: "0", count: width - String(serial).count) + String(serial)
        #expect(fingerprints.of(serial) == IdentityRegistry.fingerprint(kind, text), "\(text)")
        #expect(IDSerial(text)?.number == serial && IDSerial(text)?.width == width)
      }
    }
  }

  /// `touch` (the warm-up before a chunk's lookups) reads the slots `value` reads, page by page, for
  /// the family of the last id found, and changes nothing.
  @Test func touchReadsTheSlotsALookupReads() throws {
    var values = SerialValues()
    let first = try #require(IDSerial("P00000005")), far = try #require(IDSerial("P00200003"))
    #expect(try values.store(kind: 0, first, key: 11, line: 2) == .stored)
    #expect(try values.store(kind: 0, far, key: 13, line: 3) == .stored)
    let numbers: [UInt64] = [5, 6, 200_003]
    #expect(numbers.withUnsafeBufferPointer { values.touch(kind: 0, family: far, numbers: $0) } == 11 ^ 13)
    #expect(numbers.withUnsafeBufferPointer { values.touch(kind: 1, family: far, numbers: $0) } == 0, "another kind's family")
    guard case .value(11, _) = try values.value(kind: 0, first) else { Issue.record("the value changed"); return }
  }

  /// Claims for dense and sparse families and ids with no serial, people who come back, a second
  /// number for a person and a number under a second person, through a registry that holds ids by
  /// serial and one that holds every id by fingerprint: the same answer every time.
  /// (With one page kept in memory when the pool needs the rest, at budgets of 0 and 1 MB, most people
  /// who come back, and most conflicts, read their pages on disk.)
  @Test(arguments: [0, 1, 64])
  func answersAsTheFingerprintsAlone(megabytes: Int) throws {
    var bySerial = IdentityRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: megabytes)), serialHotPages: 1)
    var byFingerprint = IdentityRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 64)))
    var state: UInt64 = UInt64(megabytes) &+ 5
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % n
    }
    var people: [(id: String, number: String)] = []
    var conflicts = 0
    for line in 2..<60_000 {
      let person: (id: String, number: String)
      switch next(12) {
      case 10:
        // A person id that is an 18-digit number (the 身份证号 typed as the id), and ids far from 0,
        // counting down (the family's table of pages grows at its front).
        person = next(2) == 0 ? ("5301021990" + String(format: "%08d", next(99_999_999)), "4201011950\(String(format: "%08d", line))")
          : ("P2024" + String(format: "%06d", 900_000 - line), "4201011951\(String(format: "%08d", line))")
      case 0..<4:
        person = ("P" + String(format: "%08d", people.count * 3 / 2 + next(2)), "5301021990\(String(format: "%08d", line))")
      case 4..<7 where !people.isEmpty:
        person = people[next(people.count)]
      case 7:
        // Sparse serials: a family closed for wasting its pages.
        person = ("S-" + String(next(900_000_000)), "4401011980\(String(format: "%08d", line))")
      case 8 where !people.isEmpty:
        // A second number for someone, or someone's number under a new id.
        let known = people[next(people.count)]
        person = next(2) == 0 ? (known.id, "1101011970\(String(format: "%08d", line))") : ("Q\(line)", known.number)
      default:
        person = ("无序号\(line)", "3301011960\(String(format: "%08d", line))")
      }
      people.append(person)
      let idHash = IdentityRegistry.fingerprint(2, person.id), numberHash = IdentityRegistry.fingerprint(2, person.number)
      func offer(_ registry: inout IdentityRegistry, serial: IDSerial?) throws -> String? {
        let held = try registry.held(idHash: idHash, numberHash: numberHash, kind: 2, serial: serial)
        if let why = try registry.conflict(idHash: idHash, numberHash: numberHash, id: person.id, kind: .person, held: held) { return why.en }
        try registry.register(idHash: idHash, numberHash: numberHash, line: line, held: held, kind: 2, serial: serial)
        return nil
      }
      let a = try offer(&bySerial, serial: IDSerial(person.id))
      let b = try offer(&byFingerprint, serial: nil)
      #expect(a == b, "line \(line): \(person.id)")
      if b != nil { conflicts += 1 }
    }
    #expect(conflicts > 1_000)
    #expect((bySerial.serialDiskTraffic.reads > 1_000) == (megabytes < 64), "\(bySerial.summary)")
    #expect(bySerial.summary.contains(megabytes == 64 ? "by serial" : "identities"), "\(bySerial.summary)")
  }
}
