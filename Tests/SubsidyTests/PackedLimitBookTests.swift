import PolicyEval
import PolicyValues
@testable import SubsidyKit
import Testing

/// The batch's packed book of limit winners settles as `LimitBook` does (the same winners, the same
/// losers, the same first-claim order) and gives every field of a winner back as it was offered, also
/// when slots share a fingerprint.
@Suite struct PackedLimitBookTests {
  /// Random claims over a few thousand slots, against `LimitBook<PayoutRow>`.
  @Test(arguments: [false, true]) func settlesAsTheLimitBookDoes(collide: Bool) {
    // With `collide`, every slot's fingerprint is one of three: most slots live in the overflow.
    var packed = collide ? PackedLimitBook(fingerprint: { UInt64(abs($0.beneficiary.hashValue % 3)) }) : PackedLimitBook()
    var book = LimitBook<PayoutRow>()
    var random = Random(state: collide ? 11 : 7)
    let day = CivilDate(year: 2024, month: 1, day: 1)!
    let statuses: [Status] = [.payable, .missingEvidence, .pending, .undetermined, .alreadyPaid]
    for claim in 0..<20_000 {
      let person = random.next(3_000)
      // Beneficiaries whose text runs into the payee ("P1" + "2" and "P12" + "") must stay apart.
      let slot = LimitSlot(stored: Int32(random.next(3)), beneficiary: "P\(person)", payee: random.next(2) == 0 ? "" : "\(person % 7)",
                           year: Int32(2023 + random.next(2)))
      let missing = random.next(3) == 0 ? "employment_proof;labor_contract;social_insurance_record" : ""
      let row = PayoutRow(ruleIndex: Int(slot.rule) * 5 + random.next(5), subject: "D\(claim)", beneficiary: slot.beneficiary,
                          payee: random.next(2) == 0 ? "O533123-\(random.next(40))" : "", amount: random.next(4) == 0 ? nil : Fixed(raw: Int64(random.next(900_000)) - 1_000),
                          status: statuses[random.next(statuses.count)],
                          eligibleFrom: random.next(3) == 0 ? nil : day.addingDays(random.next(700)),
                          expires: random.next(2) == 0 ? nil : day.addingDays(700 + random.next(300)), missingEvidence: missing,
                          ruleDate: day.addingDays(random.next(600))!, slot: slot,
                          explanationJSON: random.next(5) == 0 ? "{\"clause\":\"第二十条\",\"n\":\(claim),\"long\":\"\(String(repeating: "x", count: random.next(300)))\"}" : nil,
                          shownJSON: random.next(4) == 0 ? "{\"words\":\"须：\(claim)\"}" : nil)
      let expected = book.offer(row, slot: slot, order: row.claimOrder)?.ruleIndex
      #expect(packed.offer(row, slot: slot) == expected)
    }
    #expect(packed.count == book.count)
    var winners: [PayoutRow] = []
    packed.drain { winners.append($0) }
    let expected = book.drain()
    #expect(winners.count == expected.count)
    for (a, b) in zip(winners, expected) {
      #expect(a.ruleIndex == b.ruleIndex && a.subject == b.subject && a.beneficiary == b.beneficiary && a.payee == b.payee)
      #expect(a.amount == b.amount && a.status == b.status && a.eligibleFrom == b.eligibleFrom && a.expires == b.expires)
      #expect(a.missingEvidence == b.missingEvidence && a.ruleDate == b.ruleDate && a.slot == b.slot && a.explanationJSON == b.explanationJSON && a.shownJSON == b.shownJSON)
    }
    #expect(packed.count == 0 && packed.bytes < 4_096)
  }

  /// A slot's texts are compared as `LimitSlot` compares them, byte for byte, also when two slots share
  /// a fingerprint: canonically equivalent ids (`José` composed and decomposed) are two beneficiaries,
  /// as in `LimitBook`, in the spill store and in the ledger's keys.
  @Test func slotsOfEquivalentTextAreTwoSlotsAsInTheLimitBook() {
    var packed = PackedLimitBook(fingerprint: { _ in 1 })
    var book = LimitBook<PayoutRow>()
    let day = CivilDate(year: 2024, month: 1, day: 1)!
    for (n, name) in ["Jos\u{E9}", "Jose\u{301}", "Josh"].enumerated() {
      let slot = LimitSlot(stored: 0, beneficiary: name, payee: "", year: 2024)
      let row = PayoutRow(ruleIndex: n, subject: "D\(9 - n)", beneficiary: name, payee: "", amount: nil, status: .payable,
                          eligibleFrom: nil, expires: nil, missingEvidence: "", ruleDate: day, slot: slot, explanationJSON: nil, shownJSON: nil)
      #expect(packed.offer(row, slot: slot) == book.offer(row, slot: slot, order: row.claimOrder)?.ruleIndex, "\(name)")
    }
    #expect(packed.count == 3 && book.count == 3)
    #expect(LimitSlot(stored: 0, beneficiary: "HK", payee: "", year: 1) != LimitSlot(stored: 0, beneficiary: "H\u{212A}", payee: "", year: 1))
    #expect(Set([LimitSlot(stored: 0, beneficiary: "ab", payee: "c", year: 1), LimitSlot(stored: 0, beneficiary: "a", payee: "bc", year: 1)]).count == 2)
  }

  /// Held in a fraction of the memory the row-and-dictionary book took: under 160 bytes a winner.
  @Test func aWinnerTakesLittleMemory() {
    var packed = PackedLimitBook()
    let day = CivilDate(year: 2024, month: 5, day: 1)!
    for person in 0..<50_000 {
      let slot = LimitSlot(stored: 4, beneficiary: "P\(10_000_000 + person)", payee: "P\(10_000_000 + person)", year: 2024)
      _ = packed.offer(PayoutRow(ruleIndex: 4, subject: "D\(20_000_000 + person)", beneficiary: slot.beneficiary, payee: slot.payee,
                                 amount: Fixed(raw: 20_000), status: .payable, eligibleFrom: day, expires: nil, missingEvidence: "",
                                 ruleDate: day, slot: slot, explanationJSON: nil, shownJSON: nil), slot: slot)
    }
    #expect(packed.bytes / 50_000 < 160, "\(packed.bytes / 50_000) bytes a winner")
  }

  /// A small deterministic generator (the test is the same on every run).
  struct Random {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
  }
}
