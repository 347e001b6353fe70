import Foundation
@testable import Ledger

/// A fresh directory under the system temp dir for one test's ledger files;
/// the test removes it with `defer { directory.remove() }`.
struct TemporaryDirectory {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Records and batch descriptions for tests, in the shape the batch command
/// produces them.
enum Sample {
  static func payment(_ beneficiary: String, rule: String = "employment-service-subsidy", period: String = "2024", fen: Int64 = 50_000) -> PaymentRecord {
    PaymentRecord(
      key: "yingjiang|\(rule)|\(beneficiary)|\(period)", policy: "yingjiang", rule: rule, clause: "七（一）",
      subject: "placement-\(beneficiary)", beneficiary: beneficiary, payee: beneficiary,
      amountFen: fen, period: period, funding: "就业补助资金", eligibleFrom: "2024-03-01",
      explanation: #"{"rule":"\#(rule)","conditions":[{"holds":true}]}"#)
  }

  static func batch(_ id: String) -> BatchInfo {
    BatchInfo(id: id, source: "examples/yingjiang.yaml", engineVersion: "0.1.0", policyHash: "sha256:abc123", asOf: "2024-06-30")
  }

  /// Commits `payments` as one batch, one `record` call.
  @discardableResult
  static func commit(_ store: any LedgerBackend, _ id: String, _ payments: [PaymentRecord]) throws -> CommitSummary {
    try store.commit(batch(id)) { transaction in _ = try transaction.record(payments) }
  }
}
