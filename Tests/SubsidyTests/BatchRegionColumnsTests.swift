import Foundation
import PolicyEval
import Testing

/// Fields a region adds in its schema file are batch CSV columns too: the 红河 village co-operative,
/// broker and advance-expense fields (policies/honghe.schema.yaml) make its rules payable from a CSV.
@Suite struct BatchRegionColumnsTests {
  /// Fixtures/batch/honghe-regions.csv is examples/honghe.yaml written as a finance bureau's export:
  /// the batch gives what `eval` of the example gives, rule by rule and subject by subject.
  @Test func honghePaysFromACSVWithItsRegionColumnsAsEvalDoes() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try runBatch(BatchFixtures.path("honghe-regions.csv"), asOf: "2019-06-30", in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.rejects.isEmpty, "\(run.rejectsText)")
    #expect(!run.stderr.contains("unused-column"), "a region column was not recognised: \(run.stderr)")

    let example = try String(contentsOfFile: Paths.examples + "/honghe.yaml", encoding: .utf8)
    let results = try evaluate(example, asOf: "2019-06-30")
    let hidden: Set<Status> = [.ineligible, .notApplicable, .notMet]
    let expected = results.filter { !hidden.contains($0.status) }.map(BatchEquivalenceTests.tuple).sorted()
    let actual = run.payouts.map(BatchEquivalenceTests.tuple).sorted()
    #expect(actual == expected, "batch:\n\(actual.joined(separator: "\n"))\neval:\n\(expected.joined(separator: "\n"))")

    // Each 红河 rule reads a region field; each gives its result from the CSV.
    let payable = run.payouts.filter { $0["policy"] == "honghe" }
    #expect(payable.contains { $0["rule"] == "labour-cooperation-fund" && $0["subject"] == "D3" && $0["amount"] == "1126.50" && $0["status"] == "missing_evidence" })
    #expect(payable.contains { $0["rule"] == "labour-cooperation-fund" && $0["subject"] == "D1" && $0["amount"] == "780.00" && $0["status"] == "payable" })
    #expect(payable.contains { $0["rule"] == "village-income-share" && $0["payee"] == "V1" && $0["amount"] == "60.00" && $0["status"] == "payable" })
    #expect(payable.contains { $0["rule"] == "broker-performance-bonus" && $0["payee"] == "B2" && $0["status"] == "undetermined" })

    // The 劳务合作金 is an advance: summed apart, never into the subsidies or their funding sources.
    let advances = run.payouts.filter { $0["rule"] == "labour-cooperation-fund" && $0["status"] == "payable" }
    let advanced = advances.compactMap { $0["amount"].flatMap(Double.init) }.reduce(0, +)
    #expect(advanced > 0)
    #expect(run.stdout.contains("  advances (revolving funds, to be returned; not subsidies):\n    payable"), "\(run.stdout)")
    #expect(!run.stdout.contains("劳务合作金     "), "the fund is listed as a subsidy's funding source: \(run.stdout)")
  }
}
