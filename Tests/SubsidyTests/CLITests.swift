import Foundation
import Testing

/// The built `subsidy` run as a user runs it: output and exit codes.
@Suite struct CLITests {
  @Test func checkShippedPoliciesExitsZeroAndWarnsOfTheYingjiangGap() throws {
    let r = try runCLI(["check", "policies"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("warning[table-gap]: table `hu_dian_subsidy` has no row for `in_province`"))
    #expect(r.stderr.contains("0 errors"))
  }

  @Test func checkOfABrokenPolicyExitsTwoWithACaret() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.copyItem(atPath: Paths.policies + "/facts.schema.yaml", toPath: dir.appendingPathComponent("facts.schema.yaml").path)
    try FileManager.default.copyItem(
      at: Paths.conformance.appendingPathComponent("unknown-field-in-condition/policy.yaml"), to: dir.appendingPathComponent("demo.yaml"))
    let r = try runCLI(["check", dir.path])
    #expect(r.status == 2)
    let rendered = r.stderr.replacingOccurrences(of: dir.path + "/", with: "")
    assertSnapshot(rendered, named: "check-unknown-field")
  }

  @Test func evalJSONFollowsTheContract() throws {
    let r = try runCLI(["eval", "examples/yingjiang.yaml", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(json["as_of"] as? String != nil)
    let results = try #require(json["results"] as? [[String: Any]])
    #expect(!results.isEmpty)
    for key in ["policy", "rule", "clause", "subject", "beneficiary", "payee", "amount", "currency", "status", "eligible_from", "expires", "evidence", "funding", "explanation"] {
      #expect(results.allSatisfy { $0.keys.contains(key) }, "missing \(key)")
    }
    assertSnapshot(r.stdout, named: "eval-yingjiang-json")
  }

  @Test func evalTextReportIsChineseByDefault() throws {
    let r = try runCLI(["eval", "examples/yingjiang.yaml"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("可发放"))
    assertSnapshot(r.stdout, named: "eval-yingjiang-text")
  }

  @Test func badFactsExitOneWithFileLineColumn() throws {
    let r = try runCLI(["eval", "Tests/Conformance/cases/impossible-date-in-facts/facts.yaml"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("impossible-date-in-facts/facts.yaml:5:56: error[invalid-date]"))
    #expect(r.stderr.contains("2023-02 has 28 days"))
  }

  @Test func badAsOfOptionIsExplained() throws {
    let r = try runCLI(["eval", "examples/yingjiang.yaml", "--as-of", "2024-13-01"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("month 13 does not exist"))
  }

  @Test func explainRendersTheRuleInChinese() throws {
    let r = try runCLI(["explain", "xiangxi/transport-subsidy", "--on", "2017-01-01"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("建档立卡贫困劳动力"))
    #expect(r.stdout.contains("省外400"))
  }

  @Test func testCommandPassesOnShippedCases() throws {
    let r = try runCLI(["test", "policies"])
    #expect(r.status == 0, "\(r.stdout)")
    #expect(r.stdout.contains(" passed, 0 failed"))
  }
}
