import Foundation
import Testing

/// The rough edges a new user hit following the README (issue 11, §5), each as the user met it.
@Suite struct NewUserTests {
  @Test func anUnknownPolicyIdIsAUsageErrorNamingTheNearestIds() throws {
    let typo = try runCLI(["eval", "examples/yingjiang.yaml", "--policy", "yingjang", "--lang", "en"])
    #expect(typo.status == 64, "\(typo.stderr)")
    #expect(typo.stderr.contains("no policy `yingjang`"))
    #expect(typo.stderr.contains("did you mean `yingjiang`?"))
    #expect(!typo.stderr.contains("the policies have errors"), "an unknown id is not the policies' fault: \(typo.stderr)")

    let unknown = try runCLI(["eval", "examples/yingjiang.yaml", "--policy", "nosuch", "--lang", "en"])
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("the policies loaded are `honghe`, `sandu`, `wujiang`, `xiangxi`, `yingjiang`"), "\(unknown.stderr)")
    #expect(!unknown.stderr.contains("subsidy check `"), "no command with an empty path: \(unknown.stderr)")

    #expect(try runCLI(["diff", "yingjiang", "nosuch"]).status == 64)
    #expect(try runCLI(["compare", "--policy", "yingjiang", "--policy", "nosuch", "examples/cohorts/village-2024.yaml"]).status == 64)
    #expect(try runCLI(["explain", "xiangxi/no-such-rule"]).status == 64)
  }

  @Test func brokenPoliciesStillExitTwoNamingTheCheckToRun() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.copyItem(atPath: Paths.policies + "/facts.schema.yaml", toPath: dir.appendingPathComponent("facts.schema.yaml").path)
    try FileManager.default.copyItem(
      at: Paths.conformance.appendingPathComponent("unknown-field-in-condition/policy.yaml"), to: dir.appendingPathComponent("demo.yaml"))
    let r = try runCLI(["eval", "examples/yingjiang.yaml", "--policies", dir.path, "--lang", "en"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("run `subsidy check \(dir.path)`"), "\(r.stderr)")
  }

  @Test func diffTakesPolicyFilePathsAndAnOverlayFindsItsBase() throws {
    let byPath = try runCLI(["diff", "policies/yingjiang.yaml", "examples/variants/yingjiang-2026-draft.yaml"])
    #expect(byPath.status == 0, "\(byPath.stderr)")
    let byID = try runCLI(["diff", "yingjiang", "yingjiang-2026-draft", "--policies", "policies", "--policies", "examples/variants"])
    #expect(byPath.stdout == byID.stdout)
    #expect(byPath.stdout.contains("150元"))
    // An overlay alone: its base comes from the default policy folder.
    let overlayOnly = try runCLI(["diff", "xiangxi", "examples/variants/jishou-implementing-rules.yaml"])
    #expect(overlayOnly.status == 0, "\(overlayOnly.stderr)")
    #expect(overlayOnly.stdout.contains("jishou"))
    // Two files with one id cannot be loaded together: say so, as a usage error.
    let same = try runCLI(["diff", "policies/yingjiang.yaml", "policies/yingjiang.yaml", "--lang", "en"])
    #expect(same.status == 64)
    #expect(same.stderr.contains("are both policy `yingjiang`"), "\(same.stderr)")
  }

  @Test func compareAndExplainTakePolicyFilePaths() throws {
    let compare = try runCLI(["compare", "--policy", "policies/yingjiang.yaml", "--policy", "examples/variants/yingjiang-2026-draft.yaml",
                              "examples/cohorts/village-2024.yaml", "--as-of", "2026-06-30", "--format", "csv"])
    #expect(compare.status == 0, "\(compare.stderr)")
    #expect(compare.stdout.hasPrefix("role,id,kind,name,yingjiang_payable"))
    #expect(compare.stdout.contains("yingjiang-2026-draft_payable"))
    let explain = try runCLI(["explain", "examples/variants/yingjiang-2026-draft.yaml", "--on", "2026-06-01"])
    #expect(explain.status == 0, "\(explain.stderr)")
    #expect(explain.stdout.contains("yingjiang-2026-draft 七（一） employment-service-subsidy"))
  }

  /// The draft rewrites 七（一）'s text and term but not its note, which speaks of 2025-12-31.
  @Test func anOverriddenRuleSaysItsNoteIsTheBases() throws {
    let r = try runCLI(["explain", "yingjiang-2026-draft/employment-service-subsidy", "--policies", "policies", "--policies", "examples/variants",
                        "--on", "2026-06-01"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("150元"))
    #expect(r.stdout.contains("须在 2027-12-31 前满足"))
    #expect(r.stdout.contains("说明：（基础政策 yingjiang 的说明，修订稿未改写）"), "\(r.stdout)")
    #expect(!r.stdout.contains("基础政策 yingjiang 的条文"), "the draft rewrote the text")
    // The base itself and a rule the overlay did not touch are not labelled.
    let base = try runCLI(["explain", "yingjiang/employment-service-subsidy", "--on", "2024-06-01"])
    #expect(!base.stdout.contains("基础政策"))
    let untouched = try runCLI(["explain", "yingjiang-2026-draft/hu-dian-service-subsidy", "--policies", "policies", "--policies", "examples/variants"])
    #expect(!untouched.stdout.contains("基础政策"))
  }

  @Test func checkWithOverlaysReportsEachDiagnosticOnceAtItsFile() throws {
    let r = try runCLI(["check", "policies", "examples/variants", "--lang", "en"])
    #expect(r.status == 0, "\(r.stderr)")
    let gaps = r.stderr.components(separatedBy: "warning[table-gap]").count - 1
    #expect(gaps == 1, "\(r.stderr)")
    #expect(r.stderr.contains("policies/yingjiang.yaml:"))
    // jishou's 2017 table has its in-county row; the 2016 one it inherits is never in force under it.
    #expect(!r.stderr.contains("xiangxi.yaml:"), "\(r.stderr)")
    #expect(r.stderr.contains("0 errors, 1 warning"))
  }

  @Test func strictSaysTheWarningIsWhyItFails() throws {
    let r = try runCLI(["check", "--strict", "policies", "--lang", "en"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("0 errors, 1 warning\nerror: --strict treats warnings as errors: the warning above fails the check"), "\(r.stderr)")
  }

  /// Qualifications and obligations are counted with their own statuses, not as `ineligible` payments.
  @Test func batchSummaryGroupsResultsByKindOfRule() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let generated = try generateBatch(rows: 2_000, seed: 11, in: dir)
    let run = try runBatch(generated.path, asOf: "2025-06-30", in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let text = run.stdout
    #expect(text.contains("  payments (subsidies):\n    payable"), "\(text)")
    // Entitlements (loan ceilings) are never summed with subsidies.
    #expect(text.contains("  entitlements (ceilings of non-cash benefits such as loans; not cash):\n"), "\(text)")
    #expect(text.contains("  qualifications:\n    not_met"), "\(text)")
    #expect(text.contains("  obligations:\n    not_applicable"), "\(text)")
    #expect(text.contains("by rule, qualifications:\n  wujiang 二（一） founding-requirements\n      met 0, not_met "), "\(text)")
    #expect(text.contains("  yingjiang 四（一）1 business-scope-approval\n      due 0, overdue 0, not_applicable "), "\(text)")
    #expect(!text.contains("business-scope-approval\n      payable"))
    #expect(!text.contains("founding-requirements\n      payable"))
  }

  /// The CSV cohort gives the same organisation names as the YAML one (it has `organizer_name` and
  /// `employer_name` columns, which docs/facts.md lists).
  @Test func compareCSVOutputNamesOrganisationsOfACSVCohort() throws {
    func payees(_ file: String) throws -> [String: String] {
      let r = try runCLI(["compare", "--policy", "yingjiang", "--policy", "sandu", file, "--as-of", "2024-06-30", "--format", "csv"])
      #expect(r.status == 0, "\(r.stderr)")
      let rows = TestCSV.table(r.stdout).rows.filter { $0["role"] == "payee" && $0["kind"] == "organization" }
      return Dictionary(rows.map { ($0["id"] ?? "", $0["name"] ?? "") }, uniquingKeysWith: { a, _ in a })
    }
    let fromCSV = try payees("examples/cohorts/village-2024.csv")
    #expect(!fromCSV.isEmpty)
    #expect(fromCSV.values.allSatisfy { !$0.isEmpty }, "\(fromCSV)")
    #expect(fromCSV == (try payees("examples/cohorts/village-2024.yaml")))
  }
}
