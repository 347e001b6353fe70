import PolicyEval
import PolicyValues

/// The best claim per limit slot of one group rule while its groups are judged (`GroupClaimHolders`):
/// in memory, and in the run's `SpillStore` once the run's state outgrows its budget, so a rule with
/// a limit over millions of groups (a household reward paid once per household) settles in flat memory.
struct SpillingGroupClaims: GroupClaimHolders {
  /// A claim with its slot, so the book can be moved to disk.
  private struct Slotted: Sendable {
    var slot: LimitSlot
    var claim: GroupClaim
  }
  private var book = LimitBook<Slotted>()
  private var bytes = 0
  private let place: SpillPlace
  private var spilled: Statements?

  init(place: SpillPlace = SpillPlace()) {
    self.place = place
  }

  mutating func offer(_ claim: GroupClaim, slot: LimitSlot) throws {
    if let spilled { return try Self.offer(claim, slot: slot, with: spilled) }
    if book.offer(Slotted(slot: slot, claim: claim), slot: slot, order: claim.order) == nil {
      bytes += 2 * MemoryLayout<Slotted>.stride + 64 + slot.beneficiary.utf8.count + slot.payee.utf8.count + 2 * claim.subject.utf8.count
      if book.count % place.reportEvery == 0, place.report(.groupClaims, bytes: bytes) { try spill() }
    }
  }

  func holder(of slot: LimitSlot) throws -> GroupClaim? {
    guard let spilled else { return book.holder(of: slot)?.claim }
    var holder: GroupClaim?
    try spilled.store.run(spilled.select, Self.key(slot)) { holder = Self.stored($0) }
    return holder
  }

  mutating func removeAll() throws {
    book = LimitBook()
    bytes = 0
    _ = place.report(.groupClaims, bytes: 0)
    try spilled?.store.execute("DELETE FROM group_claims")
  }

  private mutating func spill() throws {
    let store = try place.store(for: .groupClaims)
    try store.execute("""
      CREATE TABLE group_claims (
        rule INTEGER NOT NULL, beneficiary TEXT NOT NULL, payee TEXT NOT NULL, year INTEGER NOT NULL,
        grp INTEGER NOT NULL, status TEXT NOT NULL, date INTEGER NOT NULL, subject TEXT NOT NULL,
        PRIMARY KEY (rule, beneficiary, payee, year)) WITHOUT ROWID;
      """)
    let statements = try Self.statements(store)
    for held in book.drain() { try Self.insert(held.claim, slot: held.slot, with: statements) }
    bytes = 0
    spilled = statements
  }

  /// The statements run for every claim, prepared once.
  private static func statements(_ store: SpillStore) throws -> Statements {
    try SlotStatements(
      store,
      select: "SELECT grp, status, date, subject FROM group_claims WHERE rule = ? AND beneficiary = ? AND payee = ? AND year = ?",
      insert: "INSERT INTO group_claims VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      update: "UPDATE group_claims SET grp = ?, status = ?, date = ?, subject = ? WHERE rule = ? AND beneficiary = ? AND payee = ? AND year = ?")
  }
  private typealias Statements = SlotStatements

  private static func key(_ slot: LimitSlot) -> [SpillStore.Argument] {
    [.int(Int64(slot.rule)), .text(slot.beneficiary), .text(slot.payee), .int(Int64(slot.year))]
  }

  private static func values(_ claim: GroupClaim) -> [SpillStore.Argument] {
    [.int(Int64(claim.group)), .text(claim.status.rawValue), .int(Int64(claim.date.packedValue)), .text(claim.subject)]
  }

  private static func stored(_ row: SpillStore.Row) -> GroupClaim {
    GroupClaim(group: Int(row.int(0)), status: Status(rawValue: row.text(1)) ?? .undetermined,
               date: CivilDate(packed: UInt32(truncatingIfNeeded: row.int(2))), subject: row.text(3))
  }

  private static func insert(_ claim: GroupClaim, slot: LimitSlot, with store: Statements) throws {
    try store.store.run(store.insert, key(slot) + values(claim))
  }

  /// As `LimitBook.offer`: the holder keeps the slot unless the claim stands strictly before it.
  private static func offer(_ claim: GroupClaim, slot: LimitSlot, with store: Statements) throws {
    var holder: GroupClaim?
    try store.store.run(store.select, key(slot)) { holder = stored($0) }
    guard let holder else { return try insert(claim, slot: slot, with: store) }
    guard claim.order < holder.order else { return }
    try store.store.run(store.update, values(claim) + key(slot))
  }
}
