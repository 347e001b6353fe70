import Foundation

/// A synthetic workload for proving the ledger's guarantees under pressure:
/// `subsidy ledger stress` runs it in a child process that the crash test
/// kills mid-commit, and the concurrency tests run it from several writers.
///
/// Payment `n` has key `stress|n` and amount `100 + n % 50` fen, so any two
/// loads whose key ranges overlap compete for the same payments.
public enum StressLoad {
  public static func payment(_ number: Int) -> PaymentRecord {
    PaymentRecord(
      key: "stress|\(number)", policy: "stress", rule: "load", clause: "-",
      subject: "S\(number)", beneficiary: "P\(number)", payee: "P\(number)",
      amountFen: Int64(100 + number % 50), period: "once", funding: nil, eligibleFrom: nil,
      explanation: "{\"stress\":\(number)}")
  }

  /// Commits `batches` batches of `rows` payments, one `record` call per row
  /// with `delayMicroseconds` of sleep after each, so a commit lasts long
  /// enough to be interrupted. Batch `b` holds payments `keyOffset + b * rows`
  /// onwards and has id `"\(batchPrefix)-\(b)"`.
  ///
  /// `progress` receives `begin ID`, `half ID` (once half the rows are
  /// recorded, inside the open transaction) and `commit ID inserted=N
  /// already=M` (after COMMIT returned), so a watcher knows exactly where the
  /// process is when it kills it.
  @discardableResult
  public static func run(
    store: any LedgerBackend, batches: Int, rows: Int, keyOffset: Int = 0, batchPrefix: String,
    delayMicroseconds: UInt32 = 0, rowsPerCall: Int = 1, progress: (String) -> Void = { _ in }
  ) throws -> [CommitSummary] {
    var summaries: [CommitSummary] = []
    for batchNumber in 0..<max(batches, 0) {
      let id = "\(batchPrefix)-\(batchNumber)"
      let info = BatchInfo(id: id, source: "stress", engineVersion: "stress", policyHash: "stress", asOf: "2024-01-01")
      let summary = try store.commit(info) { transaction in
        progress("begin \(id)")
        let step = max(rowsPerCall, 1)
        for start in stride(from: 0, to: max(rows, 0), by: step) {
          let end = min(start + step, rows)
          _ = try transaction.record((start..<end).map { payment(keyOffset + batchNumber * rows + $0) })
          if start < rows / 2 && end >= rows / 2 { progress("half \(id)") }
          if delayMicroseconds > 0 { usleep(delayMicroseconds) }
        }
      }
      progress("commit \(id) inserted=\(summary.inserted) already=\(summary.alreadyPaid)")
      summaries.append(summary)
    }
    return summaries
  }
}
