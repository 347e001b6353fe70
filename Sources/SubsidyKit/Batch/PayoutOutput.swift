import PolicyEval
import PolicySupport
import PolicyValues

/// Where a batch's payouts go: the payouts CSV and, with `--explain`, the explanations file beside it,
/// one JSON line per payouts row in the same order, so line `n` of one explains row `n` of the other.
///
/// A line is `{"row": n, "status": …, "result": …}`: the payouts row's number (1 for the first after
/// the header), its status as written (a ledger may have made a payable result `already_paid` since
/// it was explained), and the result as `subsidy eval --format json` gives it, with its `words` in
/// the run's language (`PayoutRow.shownJSON`, made by `KeptExplanation` with its `pii` fields masked).
/// ID numbers are masked in the whole line, as in the payouts, unless `--show-pii`.
struct PayoutOutput {
  var payouts: CSVWriter
  var explanations: JSONLinesWriter?
  private var rows = 0

  init(payouts: CSVWriter, explanations: JSONLinesWriter?) {
    self.payouts = payouts
    self.explanations = explanations
  }

  mutating func write(_ row: PayoutRow, _ rules: [RuleTerms], showPII: Bool) throws {
    try row.write(to: &payouts, rules, showPII: showPII)
    rows += 1
    guard explanations != nil else { return }
    var out = JSONWriter(pretty: false, capacity: 256 + (row.shownJSON?.utf8.count ?? 0))
    out.beginObject()
    out.key("row"); out.number(String(rows))
    out.key("status"); out.string(row.status.rawValue)
    out.key("result")
    // Written as the worker made it (compact JSON), or null for a result that carried none.
    out.value(row.shownJSON.map(JSON.raw) ?? .null)
    out.endObject()
    // Masked in place and copied once into the file's buffer: no String made of a line (a 1M-row
    // file's explanations are some 260 MB, all of it passing through the one merging thread).
    try out.withBytes { bytes in
      if !showPII { _ = PIIMask.mask(bytes) }
      try explanations?.line(UnsafeBufferPointer(bytes))
    }
  }

  mutating func flush() throws {
    try payouts.flush()
    try explanations?.flush()
  }
}
