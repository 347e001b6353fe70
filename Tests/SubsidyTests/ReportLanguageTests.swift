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

/// `explain` shows each rule's note: the Chinese `note` by default (what county officers read), the English
/// `note_en` with `--lang en`. A run of four or more English words outside backticks in a 说明 line is a note
/// left untranslated; field and rule names in backticks are code and may stay.
@Suite struct NoteLanguageTests {
  static let shipped = ["yingjiang", "honghe", "sandu", "xiangxi", "wujiang"]

  /// The first run of four or more English words in `line` once code in backticks is taken out, or nil.
  static func englishRun(_ line: String) throws -> String? {
    let prose = line.replacing(try Regex(#"`[^`]*`"#), with: "")
    let run = try Regex(#"[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){3,}"#)
    guard let match = prose.firstMatch(of: run) else { return nil }
    return String(prose[match.range])
  }

  static func lines(_ text: String, starting prefix: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
  }

  @Test func theDetectorFindsEnglishButNotCodeOrIdentifiers() throws {
    #expect(try Self.englishRun("说明：每年 is read as a cap：至多一次") == "is read as a cap")
    #expect(try Self.englishRun("说明：即规则的 `limit: [beneficiary, year]`，劳务合作社（labor_cooperative）持有 hr_license") == nil)
  }

  @Test(arguments: shipped)
  func theChineseNotesAreChinese(policy: String) throws {
    let r = try runCLI(["explain", policy])
    #expect(r.status == 0, "\(r.stderr)")
    let notes = Self.lines(r.stdout, starting: "说明：")
    #expect(!notes.isEmpty, "\(policy) should show its rules' notes")
    for line in notes {
      let run = try Self.englishRun(line)
      #expect(run == nil, "English left in a Chinese note of \(policy): “\(run ?? "")” in \(line)")
    }
  }

  @Test(arguments: shipped)
  func theEnglishNotesAreShownWithLangEn(policy: String) throws {
    let zh = try runCLI(["explain", policy])
    let en = try runCLI(["explain", policy, "--lang", "en"])
    #expect(en.status == 0, "\(en.stderr)")
    let notes = Self.lines(en.stdout, starting: "Note: ")
    #expect(notes.count == Self.lines(zh.stdout, starting: "说明：").count, "every rule with a Chinese note has its English one")
    for line in notes {
      #expect(try Self.englishRun(line) != nil, "no English in the --lang en note of \(policy): \(line)")
    }
    #expect(!en.stdout.contains("说明："))
  }

  @Test func yingjiangShowsTheSameReadingInEachLanguage() throws {
    let zh = try runCLI(["explain", "yingjiang"]).stdout
    let en = try runCLI(["explain", "yingjiang", "--lang", "en"]).stdout
    #expect(zh.contains("说明：该条款只列明人力资源服务机构和劳务经纪人。"), "\(zh)")
    #expect(en.contains("Note: The clause names 人力资源服务机构 and 劳务经纪人 only."), "\(en)")
    #expect(!en.contains("该条款只列明人力资源服务机构和劳务经纪人"))
  }
}

/// The ledger's text tables are Chinese by default; CSV and JSON keep the contract's names.
@Suite struct LedgerTextLanguageTests {
  @Test func ledgerTablesAreChineseByDefaultAndEnglishOnRequest() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let ledger = dir.appendingPathComponent("l.sqlite").path
    let run = try runBatch(BatchFixtures.path("mixed.csv"), asOf: "2024-12-31", ["--commit", "--ledger", ledger], in: dir)
    #expect(run.status == 0 && run.ledgerCounts.committed > 0, "\(run.stderr)")
    let zh = try runCLI(["ledger", "list", "--ledger", ledger], in: dir)
    #expect(zh.stdout.contains("受益对象") && zh.stdout.contains("已支付") && zh.stdout.contains("合计"), "\(zh.stdout)")
    #expect(!zh.stdout.contains("paid, total"))
    let summary = try runCLI(["ledger", "summary", "--ledger", ledger], in: dir)
    #expect(summary.stdout.contains("资金来源"), "\(summary.stdout)")
    let en = try runCLI(["ledger", "list", "--ledger", ledger, "--lang", "en"], in: dir)
    #expect(en.stdout.contains("paid, total"), "\(en.stdout)")
  }
}
