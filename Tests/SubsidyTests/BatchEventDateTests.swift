import Foundation
import PolicyValues
import SubsidyKit
import Testing

/// Nothing is paid for an event before its policy existed: a generated file, its payouts read back and
/// joined to the input rows they came from.
@Suite struct BatchEventDateTests {
  @Test func noPayoutHasAnEventBeforeItsPolicyTookEffect() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let generated = try generateBatch(rows: 6_000, seed: 23, in: dir)
    let run = try runBatch(generated.path, asOf: "2025-06-30", in: dir)
    let program = try #require(shippedProgram)
    var effective: [String: CivilDate] = [:]
    for policy in program.checkedPolicies { effective[policy.id] = policy.syntax.effectiveFrom?.value }

    // The input rows by dispatch id, and each household's income year.
    let column = Dictionary(uniqueKeysWithValues: generated.header.enumerated().map { ($1, $0) })
    func cell(_ record: [String], _ name: String) -> String { column[name].map { $0 < record.count ? record[$0] : "" } ?? "" }
    var starts: [String: CivilDate] = [:]
    var incomeYears: [String: String] = [:]
    var startsBefore = 0
    for record in generated.records {
      if let start = CivilDate.parse(cell(record, "start")) {
        starts[cell(record, "dispatch_id")] = start
        if start < CivilDate(year: 2016, month: 5, day: 18)! { startsBefore += 1 }
      }
      incomeYears[cell(record, "household_id")] = cell(record, "household_income_year")
    }
    #expect(startsBefore > 0, "the generated file must hold placements from before the policies, or this test proves nothing")

    var joined = 0
    for line in run.payouts where ["payable", "pending", "missing_evidence", "undetermined"].contains(line["status"] ?? "") {
      let policy = line["policy"] ?? "", subject = line["subject"] ?? ""
      let from = try #require(effective[policy], "unknown policy \(policy)")
      // Every payable or pending result says when it vests (an undetermined one may not know its event
      // date), and that date is inside its policy's period.
      guard let event = CivilDate.parse(line["eligible_from"] ?? "") else {
        #expect(!["payable", "pending"].contains(line["status"] ?? ""), "no eligible_from: \(line)")
        continue
      }
      #expect(event >= from, "\(line) is dated \(event), before \(policy) took effect on \(from)")
      // Joined to its input row: the event is the placement's start or later (a vesting date), never earlier.
      if let start = starts[subject] {
        joined += 1
        #expect(event >= start, "\(line) is dated before its placement started on \(start)")
      } else if line["rule"] == "household-labor-income-reward" {
        // "H/2023": dated at the end of the household's income year as given in the input.
        let parts = subject.split(separator: "/").map(String.init)
        #expect(parts.count == 2 && incomeYears[parts[0]] == parts[1], "\(line)")
        #expect(line["eligible_from"] == "\(parts.last ?? "")-12-31", "\(line)")
      }
    }
    #expect(joined > 300, "too few payouts joined to their rows: \(joined)")
  }
}
