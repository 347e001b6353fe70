import Foundation
import PolicyEval
import SubsidyKit
import Testing

/// `subsidy diff`: what changed between a policy and its amendment or implementing rule, in plain words.
@Suite struct DiffTests {
  private func diff(_ a: String, _ b: String, _ language: TextReport.Language = .zh) throws -> PolicyDiff {
    let (program, outcome) = Subsidy.compile([Paths.policies, Paths.examples + "/variants"], only: [a, b])
    let p = try #require(program, "policies must check: \(outcome.diagnostics.diagnostics.map(\.message))")
    let from = try #require(p.checkedPolicies.first { $0.id == a }), to = try #require(p.checkedPolicies.first { $0.id == b })
    return PolicyDiffer(schema: p.schema, language: language).diff(from, to)
  }

  @Test func yingjiangDraftGolden() throws {
    assertSnapshot(DiffText.render(try diff("yingjiang", "yingjiang-2026-draft"), language: .zh), named: "diff-yingjiang-draft")
  }

  @Test func xiangxiJishouGolden() throws {
    assertSnapshot(DiffText.render(try diff("xiangxi", "jishou"), language: .zh), named: "diff-xiangxi-jishou")
    assertSnapshot(DiffText.render(try diff("xiangxi", "jishou", .en), language: .en), named: "diff-xiangxi-jishou-en")
  }

  @Test func amendmentLinesNameTheAmountTheDeadlineAndTheDate() throws {
    let d = try diff("yingjiang", "yingjiang-2026-draft")
    let amount = try #require(d.entries.first { $0.subject == "employment-service-subsidy" && $0.field == "amount" })
    #expect(amount.before == "100元/人/年" && amount.after == "150元/人/年" && amount.from == "2026-01-01")
    #expect(amount.line == "七（一） employment-service-subsidy：金额 100元/人/年 → 150元/人/年（自 2026-01-01）")
    let until = try #require(d.entries.first { $0.field == "vesting.until" })
    #expect(until.line.hasSuffix("须在 2025-12-31 前满足 → 须在 2027-12-31 前满足"))
    // 七（二） did not change: nothing is said about it.
    #expect(!d.entries.contains { $0.subject == "hu-dian-service-subsidy" })
  }

  @Test func implementingRuleDropsAConditionAndAddsATableRow() throws {
    let d = try diff("xiangxi", "jishou")
    #expect(d.entries.contains { $0.subject == "transport-subsidy" && $0.field == "conditions" && $0.change == .removed })
    let row = try #require(d.entries.first { $0.subject == "transport_cap" && $0.field == "values.in_county" })
    #expect(row.before == "无" && row.after == "50元/人" && row.from == "2017-03-01")
    #expect(d.entries.contains { $0.field == "vesting.stable_employment" && $0.before == "12个月" && $0.after == "6个月" })
    #expect(d.entries.contains { $0.section == .metadata && $0.field == "jurisdiction" && $0.after == "433101" })
  }

  @Test func aPolicyAgainstItselfHasNoDifferences() throws {
    #expect(try diff("xiangxi", "xiangxi").isEmpty)
  }

  @Test func jsonHasEveryChangeWithItsParts() throws {
    let d = try diff("yingjiang", "yingjiang-2026-draft")
    let text = DiffJSON.document(d).serialized()
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect((object["from"] as? [String: Any])?["id"] as? String == "yingjiang")
    #expect((object["to"] as? [String: Any])?["id"] as? String == "yingjiang-2026-draft")
    let changes = try #require(object["changes"] as? [[String: Any]])
    #expect(changes.count == d.entries.count)
    for change in changes {
      for key in ["section", "subject", "clause", "change", "field", "before", "after", "from", "line"] { #expect(change.keys.contains(key), "\(key)") }
    }
    #expect(changes.contains { $0["field"] as? String == "amount" && $0["after"] as? String == "150元/人/年" })
  }

  @Test func cliExitsZeroOnDifferences() throws {
    let r = try runCLI(["diff", "yingjiang", "yingjiang-2026-draft", "--policies", "policies", "--policies", "examples/variants", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\"changes\""))
  }
}
