import PolicyEval
import PolicyValues

/// The batch's best claim per limit slot (`LimitBook`), moved to the run's `SpillStore` once the
/// run's state outgrows its memory budget: a file of any length keeps its winners on disk and
/// streams them out at the end, in the order their slots were first claimed, as the book does.
struct SpillingLimitBook {
  private var book = PackedLimitBook()
  private let place: SpillPlace
  private var spilled: Statements?
  /// Whether the winners moved to the run's spill store (then draining them reads it).
  var isSpilled: Bool { spilled != nil }
  /// The next slot's first-claim order, once spilled.
  private var nextOrder = 0

  init(place: SpillPlace = SpillPlace()) {
    self.place = place
  }

  var count: Int { spilled == nil ? book.count : nextOrder }

  /// Offers a claim for its slot; returns the rule index of the claim that lost (the one offered, or
  /// the holder it displaced), nil when the slot was free.
  mutating func offer(_ row: PayoutRow, slot: LimitSlot) throws -> Int? {
    if let spilled { return try Self.offer(row, slot: slot, order: &nextOrder, with: spilled) }
    let loser = book.offer(row, slot: slot)
    if loser == nil, book.count % place.reportEvery == 0, place.report(.limitWinners, bytes: book.bytes) { try spill() }
    return loser
  }

  /// The winners in the order their slots were first claimed, `page` at a time; the book is emptied.
  mutating func drain(page: Int, _ body: ([PayoutRow]) throws -> Void) throws {
    guard let spilled else {
      var rows: [PayoutRow] = []
      rows.reserveCapacity(max(1, page))
      try book.drain { row in
        rows.append(row)
        if rows.count >= max(1, page) {
          try body(rows)
          rows.removeAll(keepingCapacity: true)
        }
      }
      if !rows.isEmpty { try body(rows) }
      return
    }
    var rows: [PayoutRow] = []
    rows.reserveCapacity(page)
    try spilled.store.run("SELECT \(Self.columns) FROM limit_winners ORDER BY first_order") { row in
      rows.append(Self.payoutRow(row))
      if rows.count >= page {
        try body(rows)
        rows.removeAll(keepingCapacity: true)
      }
    }
    if !rows.isEmpty { try body(rows) }
    try spilled.store.execute("DELETE FROM limit_winners")
    nextOrder = 0
  }

  private mutating func spill() throws {
    let store = try place.store(for: .limitWinners)
    // Keyed by first-claim order (the rowid: new slots append), with the slot as a unique index: the
    // winners are read back in that order by walking the table, not by sorting it at the end (a sort
    // held the end of a long run's peak memory).
    try store.execute("""
      CREATE TABLE limit_winners (
        first_order INTEGER PRIMARY KEY,
        rule INTEGER NOT NULL, beneficiary TEXT NOT NULL, payee TEXT NOT NULL, year INTEGER NOT NULL,
        rule_index INTEGER NOT NULL, subject TEXT NOT NULL, row_beneficiary TEXT NOT NULL, row_payee TEXT NOT NULL,
        amount INTEGER, status TEXT NOT NULL, eligible_from INTEGER, expires INTEGER, missing_evidence TEXT NOT NULL,
        rule_date INTEGER NOT NULL, explanation TEXT, shown TEXT,
        UNIQUE (rule, beneficiary, payee, year));
      """)
    let statements = try Self.statements(store)
    var order = nextOrder
    try book.drain { row in
      guard let slot = row.slot else { return }
      try Self.insert(row, slot: slot, order: order, with: statements)
      order += 1
    }
    nextOrder = order
    spilled = statements
  }

  /// The statements run for every claim, prepared once.
  private static func statements(_ store: SpillStore) throws -> Statements {
    try SlotStatements(
      store,
      select: "SELECT \(columns), first_order FROM limit_winners WHERE rule = ? AND beneficiary = ? AND payee = ? AND year = ?",
      insert: """
        INSERT INTO limit_winners (rule, beneficiary, payee, year, first_order, rule_index, subject, row_beneficiary, row_payee, amount,
          status, eligible_from, expires, missing_evidence, rule_date, explanation, shown)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      update: """
        UPDATE limit_winners SET rule_index = ?, subject = ?, row_beneficiary = ?, row_payee = ?, amount = ?, status = ?, eligible_from = ?,
          expires = ?, missing_evidence = ?, rule_date = ?, explanation = ?, shown = ?
        WHERE first_order = ?
        """)
  }
  private typealias Statements = SlotStatements

  private static let columns = """
    rule_index, subject, row_beneficiary, row_payee, amount, status, eligible_from, expires, missing_evidence, rule_date, explanation, \
    shown, rule, beneficiary, payee, year
    """

  private static func key(_ slot: LimitSlot) -> [SpillStore.Argument] {
    [.int(Int64(slot.rule)), .text(slot.beneficiary), .text(slot.payee), .int(Int64(slot.year))]
  }

  private static func values(_ row: PayoutRow) -> [SpillStore.Argument] {
    [.int(Int64(row.ruleIndex)), .text(row.subject), .text(row.beneficiary), .text(row.payee),
     row.amount.map { .int($0.raw) } ?? .null, .text(row.status.rawValue),
     row.eligibleFrom.map { .int(Int64($0.packedValue)) } ?? .null, row.expires.map { .int(Int64($0.packedValue)) } ?? .null,
     .text(row.missingEvidence), .int(Int64(row.ruleDate.packedValue)), row.explanationJSON.map { .text($0) } ?? .null,
     row.shownJSON.map { .text($0) } ?? .null]
  }

  private static func insert(_ row: PayoutRow, slot: LimitSlot, order: Int, with store: Statements) throws {
    try store.store.run(store.insert, key(slot) + [.int(Int64(order))] + values(row))
  }

  private static func offer(_ row: PayoutRow, slot: LimitSlot, order: inout Int, with store: Statements) throws -> Int? {
    var holder: PayoutRow?
    var holderOrder: Int64 = 0
    try store.store.run(store.select, key(slot)) {
      holder = payoutRow($0)
      holderOrder = $0.int(16)
    }
    guard let holder else {
      try insert(row, slot: slot, order: order, with: store)
      order += 1
      return nil
    }
    guard row.claimOrder < holder.claimOrder else { return row.ruleIndex }
    try store.store.run(store.update, values(row) + [.int(holderOrder)])
    return holder.ruleIndex
  }

  private static func payoutRow(_ r: SpillStore.Row) -> PayoutRow {
    let slot = LimitSlot(stored: Int32(truncatingIfNeeded: r.int(12)), beneficiary: r.text(13), payee: r.text(14),
                         year: Int32(truncatingIfNeeded: r.int(15)))
    return PayoutRow(ruleIndex: Int(r.int(0)), subject: r.text(1), beneficiary: r.text(2), payee: r.text(3),
                     amount: r.isNull(4) ? nil : Fixed(raw: r.int(4)), status: Status(rawValue: r.text(5)) ?? .undetermined,
                     eligibleFrom: r.isNull(6) ? nil : CivilDate(packed: UInt32(truncatingIfNeeded: r.int(6))),
                     expires: r.isNull(7) ? nil : CivilDate(packed: UInt32(truncatingIfNeeded: r.int(7))),
                     missingEvidence: r.text(8), ruleDate: CivilDate(packed: UInt32(truncatingIfNeeded: r.int(9))), slot: slot,
                     explanationJSON: r.isNull(10) ? nil : r.text(10), shownJSON: r.isNull(11) ? nil : r.text(11))
  }
}
