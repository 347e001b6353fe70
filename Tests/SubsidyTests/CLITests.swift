import Foundation
import Testing

/// The built `subsidy` run as a user runs it: output and exit codes.
@Suite struct CLITests {
  @Test func checkShippedPoliciesExitsZeroAndWarnsOfTheYingjiangGap() throws {
    let r = try runCLI(["check", "policies", "--lang", "en"])
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
    let r = try runCLI(["check", dir.path, "--lang", "en"])
    #expect(r.status == 2)
    let rendered = r.stderr.replacingOccurrences(of: dir.path + "/", with: "")
    assertSnapshot(rendered, named: "check-unknown-field")
    // Chinese by default: the same place, code and caret, the words in Chinese.
    let zh = try runCLI(["check", dir.path])
    #expect(zh.status == 2)
    assertSnapshot(zh.stderr.replacingOccurrences(of: dir.path + "/", with: ""), named: "check-unknown-field-zh")
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
    let r = try runCLI(["eval", "Tests/Conformance/cases/impossible-date-in-facts/facts.yaml", "--lang", "en"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("impossible-date-in-facts/facts.yaml:5:56: error[invalid-date]"))
    #expect(r.stderr.contains("2023-02 has 28 days"))
  }

  @Test func badAsOfOptionIsExplained() throws {
    let r = try runCLI(["eval", "examples/yingjiang.yaml", "--as-of", "2024-13-01", "--lang", "en"])
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

  /// A command that writes to a relative path (or its default `subsidy-ledger.sqlite`) writes into the
  /// run's own working directory, never the repository's: a test must not leave or read files there.
  @Test func cliRunsNeverWriteTheRepositoryRoot() throws {
    let name = "cwd-probe-\(UUID().uuidString).sqlite"
    let csv = BatchFixtures.path("regions.csv")
    let r = try runCLI(["batch", csv, "--as-of", "2024-06-30", "--out", "/dev/null", "--commit", "--ledger", name])
    let leaked = Paths.root.appendingPathComponent(name).path
    defer { try? FileManager.default.removeItem(atPath: leaked) }
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: leaked), "a CLI test wrote `\(name)` into the repository root")
    // In an explicit sandbox the same relative path is written there.
    let sandbox = Paths.sandbox()
    defer { try? FileManager.default.removeItem(at: sandbox) }
    let again = try runCLI(["batch", csv, "--as-of", "2024-06-30", "--out", "/dev/null", "--commit"], in: sandbox)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(FileManager.default.fileExists(atPath: sandbox.appendingPathComponent("subsidy-ledger.sqlite").path))
  }
}
