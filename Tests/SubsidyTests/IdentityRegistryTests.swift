import Foundation
@testable import SubsidyKit
import Testing

/// `IdentityRegistry` with everything spilled (a budget of 0): its answers, and what a person who
/// comes back costs.
@Suite struct IdentityRegistryTests {
  private static func id(_ i: Int) -> UInt64 { IdentityRegistry.fingerprint(0, "P\(i)") }
  private static func number(_ i: Int) -> UInt64 { IdentityRegistry.fingerprint(0, "53312319900101\(String(format: "%04d", i))") }

  /// Registers `id` with `number` if nothing conflicts; returns the reason otherwise.
  private static func offer(_ registry: inout IdentityRegistry, id: UInt64, number: UInt64, line: Int) throws -> String? {
    let held = try registry.held(idHash: id, numberHash: number)
    if let why = try registry.conflict(idHash: id, numberHash: number, id: "P", kind: .person, held: held) { return why.en }
    try registry.register(idHash: id, numberHash: number, line: line, held: held)
    return nil
  }

  @Test func aPersonWhoComesBackWithTheSameNumberCostsNoHolderLookup() throws {
    var registry = IdentityRegistry(place: SpillPlace(budget: MemoryBudget(megabytes: 0)))
    let people = 20_000
    for i in 0..<people {
      #expect(try Self.offer(&registry, id: Self.id(i), number: Self.number(i), line: i + 2) == nil)
    }
    #expect(registry.summary.contains("runs on disk"), "nothing spilled: \(registry.summary)")
    let before = registry.blockReads
    for i in 0..<people {
      #expect(try Self.offer(&registry, id: Self.id(i), number: Self.number(i), line: people + i + 2) == nil)
    }
    let after = registry.blockReads
    // Every person is found in the identities (a read each, at most), but the number's holder is known.
    #expect(after.holders == before.holders, "holder lookups read \(after.holders - before.holders) blocks")
    #expect(after.identities > before.identities)

    // The checks still hold, on disk: one person with another number, one number under another person.
    let another = try #require(try Self.offer(&registry, id: Self.id(7), number: Self.number(people + 7), line: 99_999))
    #expect(another.contains("another ID number on line 9"))
    let taken = try #require(try Self.offer(&registry, id: Self.id(people + 1), number: Self.number(11), line: 99_999))
    #expect(taken.contains("is the ID number of another person on line 13"))
  }
}

extension RejectReason.Kind {
  /// The schema's person, as the registry's tests name it in conflicts.
  static let person = RejectReason.Kind(en: "person", zh: "人员")
}
