import PolicyEval
import PolicyValues

/// The part of a batch that spans rows, merged chunk by chunk in input order.
///
/// - A limit ("once per worker per year") keeps only its best claim so far per key; a claim that
///   loses is counted as ineligible and never written.
/// - People, households and organisations are judged once: the first chunk that holds them wins.
/// - Group aggregates are merged and judged at the end.
struct MergeState {
  let program: Program
  let asOf: CivilDate
  let keepExplanation: Bool
  private var winners: [String: PayoutRow] = [:]
  private var winnerOrder: [String] = []
  private var judgedSubjects = Set<String>()
  private var groups: [String: GroupTable] = [:]

  init(program: Program, asOf: CivilDate, keepExplanation: Bool) {
    self.program = program
    self.asOf = asOf
    self.keepExplanation = keepExplanation
  }

  mutating func take(rows: [EvalResult], entities: [EvalResult], groups chunkGroups: [String: GroupTable], ledger: LedgerHooks?,
                     summary: inout BatchSummary, out: inout CSVWriter) throws {
    var emit: [PayoutRow] = []
    for r in rows { consider(r, into: &emit, summary: &summary) }
    for r in entities where judgedSubjects.insert("\(r.policy)/\(r.rule)/\(r.subject)").inserted {
      consider(r, into: &emit, summary: &summary)
    }
    for (rule, table) in chunkGroups { groups[rule, default: GroupTable()].merge(table) }
    try settle(&emit, ledger: ledger, summary: &summary)
    for row in emit {
      summary.count(row)
      row.write(to: &out)
    }
  }

  private mutating func consider(_ r: EvalResult, into emit: inout [PayoutRow], summary: inout BatchSummary) {
    if r.status == .ineligible || r.status == .notApplicable || r.status == .notMet {
      summary.countIneligible(policy: r.policy, rule: r.rule)
      return
    }
    let row = PayoutRow(r, keepExplanation: keepExplanation)
    guard let key = r.limitKey, r.status.claimsLimit else {
      emit.append(row)
      return
    }
    if let current = winners[key] {
      if row.precedes(current) {
        winners[key] = row
        summary.countIneligible(policy: current.policy, rule: current.rule)
      } else {
        summary.countIneligible(policy: row.policy, rule: row.rule)
      }
    } else {
      winners[key] = row
      winnerOrder.append(key)
    }
  }

  /// Writes what had to wait for the whole file: limit winners and group results.
  mutating func finish(ledger: LedgerHooks?, summary: inout BatchSummary, out: inout CSVWriter) throws {
    var rows = winnerOrder.compactMap { winners[$0] }
    let empty = Facts(schema: program.schema)
    for r in program.finishGroups(groups, facts: empty, asOf: asOf) {
      if r.status == .ineligible || r.status == .notApplicable || r.status == .notMet {
        summary.countIneligible(policy: r.policy, rule: r.rule)
      } else {
        rows.append(PayoutRow(r, keepExplanation: keepExplanation))
      }
    }
    try settle(&rows, ledger: ledger, summary: &summary)
    for row in rows {
      summary.count(row)
      row.write(to: &out)
    }
  }

  /// Marks claims the ledger already paid, and records the payable ones when committing.
  private func settle(_ rows: inout [PayoutRow], ledger: LedgerHooks?, summary: inout BatchSummary) throws {
    guard let ledger else { return }
    let claiming = rows.indices.filter { rows[$0].status.claimsLimit && rows[$0].status != .alreadyPaid }
    guard !claiming.isEmpty else { return }
    let paid = try ledger.paidKeys(claiming.map { rows[$0].key })
    for i in claiming where paid.contains(rows[i].key) {
      rows[i].status = .alreadyPaid
      summary.alreadyPaid += 1
    }
    guard let record = ledger.record else { return }
    let payable = rows.indices.filter { rows[$0].status == .payable }
    guard !payable.isEmpty else { return }
    let inserted = try record(payable.map { rows[$0] })
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
