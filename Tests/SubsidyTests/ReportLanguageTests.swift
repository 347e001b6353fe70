import Foundation
import Testing

/// The Chinese report speaks Chinese: conditions in plain words from the schema's labels, values by their
/// labels, dates and limits in sentences; no raw expression or English in the lines that say why.
@Suite struct ReportLanguageTests {
  @Test(arguments: ["yingjiang", "honghe", "sandu", "xiangxi", "wujiang"])
  func whyLinesOfTheChineseReportHaveNoRawExpressions(region: String) throws {
    let r = try runCLI(["eval", "examples/\(region).yaml"])
    #expect(r.status == 0, "\(r.stderr)")
    let why = r.stdout.split(separator: "\n").filter { $0.contains("✘ ") && !$0.contains("[") || $0.contains("未定原因") }
    #expect(!why.isEmpty, "the example should have refusals to explain")
    let raw = try Regex(#"[a-z_]+\.[a-z_]+|==|!=|>=|<=|\bnull\b|\btrue\b|\bfalse\b|saw:|needs:|has no"#)
    for line in why {
      let clean = line.firstMatch(of: raw) == nil
      #expect(clean, "raw expression or English in: \(line)")
    }
  }

  @Test func theEnglishReportSaysTheSameInEnglish() throws {
    let r = try runCLI(["eval", "examples/yingjiang.yaml", "--lang", "en"])
    #expect(r.stdout.contains("✘ needs: organiser kind is public employment service or labour intermediary (saw: organiser kind is labour co-operative)"), "\(r.stdout)")
    #expect(!r.stdout.contains("须："))
  }
}

/// The batch summary a clerk reads is Chinese by default; the payouts file keeps the contract's names.
@Suite struct BatchSummaryLanguageTests {
  @Test func theSummaryIsChineseByDefaultAndEnglishOnRequest() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("p.csv").path
    let zh = try runCLI(["batch", BatchFixtures.path("mixed.csv"), "--as-of", "2024-12-31", "--out", out])
    #expect(zh.status == 0, "\(zh.stderr)")
    #expect(zh.stdout.contains("读取 14 行 = 已评估 7 + 已拒收 7"), "\(zh.stdout)")
    #expect(zh.stdout.contains("可发放（payable）"))
    #expect(!zh.stdout.contains("rows read"))
    let header = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").first.map(String.init)
    #expect(header == "policy,rule,clause,subject,beneficiary,payee,amount,status,eligible_from,expires,missing_evidence,funding")
    let en = try runCLI(["batch", BatchFixtures.path("mixed.csv"), "--as-of", "2024-12-31", "--out", out, "--lang", "en"])
    #expect(en.stdout.contains("rows read 14 = evaluated 7 + rejected 7"), "\(en.stdout)")
  }
}
