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
