import PolicyEval
import PolicyValues
import Testing

/// The best claim per limit slot, kept in pages: over many pages it answers as a plain map of slot to
/// best claim would, and gives the winners back in the order their slots were first claimed.
@Suite struct LimitBookTests {
  @Test func manyPagesOfClaimsSettleAsAMapWould() {
    var book = LimitBook<Int>()
    var best: [Int: (claim: Int, order: ClaimOrder)] = [:]
    var firstClaimed: [Int] = []
    var random = SystemRandomNumberGenerator()
    let day = CivilDate(year: 2024, month: 1, day: 1)!
    for claim in 0..<30_000 {
      // 12,000 slots, so most are claimed more than once and the book spans several pages.
      let slotNumber = Int.random(in: 0..<12_000, using: &random)
      let slot = LimitSlot(stored: 1, beneficiary: "P\(slotNumber)", payee: "", year: 2024)
      let order = ClaimOrder(status: .payable, date: day.addingDays(Int.random(in: 0..<300, using: &random))!, subject: "D\(claim)")
      let loser = book.offer(claim, slot: slot, order: order)
      if let held = best[slotNumber] {
        if order < held.order {
          #expect(loser == held.claim)
          best[slotNumber] = (claim, order)
        } else {
          #expect(loser == claim)
        }
      } else {
        #expect(loser == nil)
        best[slotNumber] = (claim, order)
        firstClaimed.append(slotNumber)
      }
      #expect(book.holder(of: slot) == best[slotNumber]?.claim)
    }
    #expect(book.count == best.count)
    let winners = book.drain()
    #expect(winners == firstClaimed.map { best[$0]!.claim })
    #expect(book.count == 0 && book.drain().isEmpty)
  }
}
