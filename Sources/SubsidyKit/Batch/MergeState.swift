import Ledger
import PolicyEval
import PolicyValues

/// The part of a batch that spans rows, merged chunk by chunk in input order.
///
/// - A limit ("once per worker per year") keeps only its best claim so far per key; a claim that
///   loses is counted as ineligible and never written.
/// - People, households and organisations are judged once: the first chunk that holds them wins.
/// - Group aggregates are merged (`SpillingGroupBook`) and judged at the end, a page at a time.
struct MergeState {
  let program: Program
  let asOf: CivilDate
  /// What kept results carry (the ledger's JSON, the explanations' words), for the groups judged here.
  let explanation: KeptExplanation
  /// Ids that look like an ID number are written masked unless `--show-pii`.
  let showPII: Bool
  let rules: [RuleTerms]
  /// Best claim so far per limit slot, in the order slots were first claimed (for a stable output order).
  private var limits: SpillingLimitBook
  private var judgedSubjects: JudgedSubjects
  private var groups: SpillingGroupBook
  private let place: SpillPlace
  /// Results counted by rule index as they are written, folded into the summary at the end (`finish`).
  private var tallies: RuleTallies

  init(program: Program, asOf: CivilDate, explanation: KeptExplanation, showPII: Bool = false,
       place: SpillPlace = SpillPlace()) {
    limits = SpillingLimitBook(place: place)
    groups = SpillingGroupBook(place: place)
    judgedSubjects = JudgedSubjects(place: place)
    self.place = place
    self.program = program
    self.asOf = asOf
    self.explanation = explanation
    self.showPII = showPII
    self.rules = program.ruleInfo
    tallies = RuleTallies(ruleCount: rules.count)
  }

  /// Takes one chunk's kept results, already in input order (see `PayoutRow.inputOrder`): `rows` about
  /// the chunk's dispatches, `entities` about the people and organisations it holds (judged once in
  /// the file: a subject judged in an earlier chunk is skipped).
  mutating func take(rows: [PayoutRow], entities: [PayoutRow], groups chunkGroups: [String: GroupTable], ledger: LedgerHooks?,
                     summary: inout BatchSummary, out: inout PayoutOutput) throws {
    var fresh: [PayoutRow] = []
    for r in entities where try judgedSubjects.insert("\(r.ruleIndex)/\(r.subject)") { fresh.append(r) }
    var emit: [PayoutRow] = []
    for r in PayoutRow.merged(rows, fresh) { try consider(r, into: &emit, summary: &summary) }
    try groups.take(chunkGroups)
    try settle(&emit, ledger: ledger, summary: &summary)
    for row in emit {
      tallies.count(row)
      try out.write(row, rules, showPII: showPII)
    }
  }

  private mutating func consider(_ row: PayoutRow, into emit: inout [PayoutRow], summary: inout BatchSummary) throws {
    if row.status == .ineligible || row.status == .notApplicable || row.status == .notMet {
      tallies.countIneligible(rule: row.ruleIndex, status: row.status)
      return
    }
    guard row.status.claimsLimit, let slot = row.slot else {
      emit.append(row)
      return
    }
    if let loser = try limits.offer(row, slot: slot) { tallies.countLimitLoser(rule: loser) }
  }

  /// Sizes of what spans rows, for the memory figures in the benchmark notes.
  var heldCounts: String {
    "limit winners \(limits.count), judged subjects \(judgedSubjects.count), groups \(groups.count)\(groups.isSpilled ? " (more on disk)" : "")"
  }

  /// Writes what had to wait for the whole file: limit winners (a page at a time, so winners spilled to
  /// disk never come back into memory at once) and group results (likewise a page at a time).
  ///
  /// When the winners are held in memory, the groups are judged on a thread of their own meanwhile
  /// (`GroupJudging`): draining an in-memory book touches neither the pool nor the spill store, which
  /// the judging then has to itself. Either way the pages are settled, counted and written here, in
  /// the same order, so the payouts file does not depend on it.
  mutating func finish(ledger: LedgerHooks?, summary: inout BatchSummary, out: inout PayoutOutput) throws {
    // Drained outside the state (the pages are settled by this state's `settle` while the book
    // empties), and moved out, not copied: a copy shared the book's storage, so draining it copied
    // every winner held in memory, the end of a long run's peak.
    var book = limits
    limits = SpillingLimitBook(place: place)
    defer { limits = book }
    // Likewise moved out.
    var groupBook = groups
    groups = SpillingGroupBook(place: place)
    defer { groups = groupBook }
    func write(_ rows: [PayoutRow]) throws {
      var rows = rows
      try settle(&rows, ledger: ledger, summary: &summary)
      for row in rows {
        tallies.count(row)
        try out.write(row, rules, showPII: showPII)
      }
    }
    func write(_ page: GroupJudging.Page) throws {
      for (refusal, count) in page.refused { tallies.countIneligible(rule: refusal.rule, status: refusal.status, count: count) }
      try write(page.rows)
    }
    if !book.isSpilled, program.hasGroupRules {
      let judging = GroupJudging(book: groupBook, claims: SpillingGroupClaims(place: place), program: program, asOf: asOf,
                                 explanation: explanation)
      judging.start()
      // Whatever happens here, the judging thread is stopped and joined before the pool is used again.
      defer { groupBook = judging.finish() }
      try book.drain(page: 4_096, write)
      while let page = try judging.next() { try write(page) }
    } else {
      try book.drain(page: 4_096, write)
      var claims = SpillingGroupClaims(place: place)
      // Judged as on the judging thread: unexplained unless explanations are kept, refusals counted.
      var refused: [GroupJudging.Refusal: Int] = [:]
      try groupBook.finish(program: program, asOf: asOf, page: 4_096, claims: &claims, explain: explanation.kept,
                           refused: { refused[GroupJudging.Refusal(rule: $0, status: $1), default: 0] += 1 }) { results in
        try write(GroupJudging.Page(results, explanation: explanation, refused: refused))
        refused = [:]
      }
      if !refused.isEmpty { try write(GroupJudging.Page([], explanation: explanation, refused: refused)) }
    }
    tallies.fold(into: &summary, rules: rules)
  }

  /// Marks claims the ledger already paid, and records the payable ones when committing.
  private func settle(_ rows: inout [PayoutRow], ledger: LedgerHooks?, summary: inout BatchSummary) throws {
    guard let ledger else { return }
    let claiming = rows.indices.filter { rows[$0].status.claimsLimit && rows[$0].status != .alreadyPaid }
    guard !claiming.isEmpty else { return }
    let keys = claiming.map { rows[$0].key(rules) }
    let paid = try ledger.paidKeys(keys)
    for (n, i) in claiming.enumerated() where paid.contains(keys[n]) {
      rows[i].status = .alreadyPaid
      summary.alreadyPaid += 1
    }
    guard let record = ledger.record else { return }
    let payable = rows.indices.filter { rows[$0].status == .payable }
    guard !payable.isEmpty else { return }
    let inserted = try record(payable.map { rows[$0].payment(rules) })
    for (n, i) in payable.enumerated() where n < inserted.count {
      if inserted[n] {
        summary.committed += 1
      } else {
        rows[i].status = .alreadyPaid
        summary.alreadyPaid += 1
      }
    }
  }
}
