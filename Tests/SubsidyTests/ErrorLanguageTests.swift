import Foundation
import Ledger
import PolicySupport
import Testing

@testable import SubsidyIO
@testable import SubsidyKit

/// The command line's own error lines (a CSV that cannot be read, two roles on one file, a file that
/// cannot be written, a missing ledger, a bad date…) speak Chinese by default (`错误：…`) and English
/// with `--lang en` (`error: …`), each with the file, line and column it is about.
@Suite struct ErrorLanguageTests {
  /// Words allowed outside backticks in a Chinese line: names of formats, programs and protocols.
  static let allowedWords = DiagnosticLanguageTests.allowedWords.union(
    ["CR", "LF", "CRLF", "Unix", "SQLite", "PostgreSQL", "TLS", "SSH", "VPN"])

  /// The English words left in a Chinese line once text in backticks and hex bytes (`0xC4`) are out.
  static func englishWords(in text: String) -> [String] {
    let rest = text.replacing(#/`[^`\n]*`/#, with: "").replacing(#/0x[0-9A-F]+/#, with: "")
    return rest.matches(of: #/[A-Za-z]{2,}/#).map { String($0.output) }.filter { !allowedWords.contains($0) }
  }

  @Test func theScanFindsEnglish() {
    #expect(Self.englishWords(in: "错误：`x.csv` 第 3 行第 9 列：字节 0xC4 不是 UTF-8") == [])
    #expect(Self.englishWords(in: "错误：cannot write `x`") == ["cannot", "write"])
  }

  /// One error provoked through the CLI: its arguments, and what each language must say.
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var status: Int32 = 1
    /// The arguments, given the case's temporary folder (which `prepare` has filled).
    var arguments: @Sendable (String) -> [String]
    var prepare: @Sendable (String) throws -> Void = { _ in }
    var zh: [String]
    var en: [String]
    var testDescription: String { name }
  }

  /// The columns of a batch CSV (the fixture's header), so the file gets past the header's checks.
  static let header = "dispatch_id,person_id,person_name,person_hukou,destination,start"
  static let unclosed = header + "\nD1,P1,张三,533123,350981,2024-03-01\nD2,\"P2,李四,533123,350981,2024-03-01\n"
  /// `李四` in GBK, as Excel saves a CSV on Chinese Windows.
  static let gbk: [UInt8] = Array((header + "\nD1,P1,").utf8) + [0xC0, 0xEE, 0xCB, 0xC4] + Array(",533123,350981,2024-03-01\n".utf8)

  static func write(_ text: String, _ path: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }

  static let cases: [Case] = [
    Case(name: "an unclosed quote (batch)",
         arguments: { ["batch", "\($0)/u.csv", "--as-of", "2024-06-30", "--policies", Paths.policies] },
         prepare: { try write(unclosed, "\($0)/u.csv") },
         zh: ["u.csv` 第 3 行第 4 列：这个带引号的单元格没有闭合"], en: ["u.csv: line 3, column 4: this quoted cell is never closed"]),
    Case(name: "an unclosed quote (compare)",
         arguments: { ["compare", "\($0)/u.csv", "--as-of", "2024-06-30", "--policies", Paths.policies, "--policy", "yingjiang", "--policy", "sandu"] },
         prepare: { try write(unclosed, "\($0)/u.csv") },
         zh: ["第 3 行第 4 列：这个带引号的单元格没有闭合"], en: ["line 3, column 4: this quoted cell is never closed"]),
    Case(name: "a GBK file",
         arguments: { ["batch", "\($0)/g.csv", "--as-of", "2024-06-30", "--policies", Paths.policies] },
         prepare: { try Data(gbk).write(to: URL(fileURLWithPath: "\($0)/g.csv")) },
         zh: ["g.csv` 第 2 行第 7 列：字节 0xC0 不是 UTF-8：文件看来是 GBK 编码"], en: ["g.csv: line 2, column 7: byte 0xC0 is not UTF-8: the file looks GBK-encoded"]),
    Case(name: "CR-only line ends",
         arguments: { ["batch", "\($0)/cr.csv", "--as-of", "2024-06-30", "--policies", Paths.policies] },
         prepare: { try write("dispatch_id,person_id\rD1,P1\rD2,P2\r", "\($0)/cr.csv") },
         zh: ["cr.csv` 第 1 行：各行只以回车符（CR）结尾"], en: ["cr.csv: line 1: lines end in a carriage return (CR) alone"]),
    Case(name: "the output is the input",
         arguments: { ["batch", "\($0)/in.csv", "--as-of", "2024-06-30", "--policies", Paths.policies, "--out", "\($0)/in.csv"] },
         prepare: { try write("dispatch_id,person_id\nD1,P1\n", "\($0)/in.csv") },
         zh: ["错误：输入文件和 `--out` 是同一个文件（`", "请选用不同的文件"], en: ["error: the input and --out are the same file (`"]),
    Case(name: "the ledger export onto the ledger",
         arguments: { ["ledger", "export", "--ledger", "\($0)/l.sqlite", "--out", "\($0)/l.sqlite"] },
         prepare: { try write("", "\($0)/l.sqlite") },
         zh: ["错误：台账（`--ledger`）和 `--out` 是同一个文件"], en: ["error: the ledger (--ledger) and --out are the same file"]),
    Case(name: "an output in a folder that does not exist",
         arguments: { ["batch", BatchFixtures.path("mixed.csv"), "--as-of", "2024-06-30", "--policies", Paths.policies, "--out", "\($0)/none/p.csv"] },
         zh: ["错误：无法写入 `", "/none/p.csv`：文件或文件夹不存在"], en: ["error: cannot write `", "/none/p.csv`: No such file or directory"]),
    Case(name: "a batch input that does not exist",
         arguments: { ["batch", "\($0)/missing.csv", "--as-of", "2024-06-30", "--policies", Paths.policies] },
         zh: ["错误[file-not-found]: 无法读取 `", "missing.csv`"], en: ["error[file-not-found]: cannot read `", "missing.csv`"]),
    Case(name: "a missing ledger",
         arguments: { ["ledger", "list", "--ledger", "\($0)/none.sqlite"] },
         zh: ["none.sqlite` 处没有台账（台账由 `subsidy batch --commit` 创建"], en: ["error: no ledger at `", "none.sqlite` (a ledger is created by"]),
    Case(name: "a file that is no ledger",
         arguments: { ["ledger", "summary", "--ledger", "\($0)/notes.txt"] },
         prepare: { try write(String(repeating: "这不是台账，只是笔记。\n", count: 200), "\($0)/notes.txt") },
         zh: ["错误：台账出错：该文件不是台账（不是 SQLite 数据库）"], en: ["error: ledger: the file is not a ledger (not an SQLite database)"]),
    Case(name: "a payment that does not exist",
         arguments: { ["ledger", "void", "999", "--reason", "重复", "--ledger", "\($0)/l.sqlite"] },
         prepare: { _ = try runCLI(["ledger", "stress", "--batches", "1", "--rows", "2", "--ledger", "\($0)/l.sqlite"]) },
         zh: ["错误：没有编号为 999 的款项"], en: ["error: no payment with id 999"]),
    Case(name: "a PostgreSQL URL with a bad port",
         arguments: { _ in ["ledger", "list", "--ledger", "postgres://clerk@localhost:99999/ledger"] },
         zh: ["错误：台账 `postgres://clerk@localhost:99999/ledger`：PostgreSQL 端口 `99999` 不是 1 到 65535 之间的数"],
         en: ["error: the ledger `postgres://clerk@localhost:99999/ledger`: the PostgreSQL port `99999` is not a number from 1 to 65535"]),
    Case(name: "migrate to a file",
         arguments: { ["ledger", "migrate", "--from", "\($0)/l.sqlite", "--to", "\($0)/other.sqlite"] },
         zh: ["错误：`--to` 必须是 `postgres://` 地址"], en: ["error: --to must be a postgres:// URL"]),
    Case(name: "a bad --as-of (batch)",
         arguments: { _ in ["batch", BatchFixtures.path("mixed.csv"), "--as-of", "2024-13-01", "--policies", Paths.policies] },
         zh: ["错误：`--as-of` 的值 `2024-13-01` 不是日期：没有 13 月"], en: ["error: --as-of `2024-13-01` is not a date: month 13 does not exist"]),
    Case(name: "a bad --as-of (eval)",
         arguments: { _ in ["eval", "examples/yingjiang.yaml", "--as-of", "2023-02-29"] },
         zh: ["错误：`--as-of` 的值 `2023-02-29` 不是日期：2023-02 只有 28 天"], en: ["error: --as-of `2023-02-29` is not a date: 2023-02 has 28 days"]),
    Case(name: "a bad --as-of (compare)",
         arguments: { _ in ["compare", "examples/yingjiang.yaml", "--policy", "yingjiang", "--policy", "sandu", "--as-of", "20240630"] },
         zh: ["错误：`--as-of` 的值 `20240630` 不是日期：日期请写成 `YYYY-MM-DD`"], en: ["error: --as-of `20240630` is not a date: write dates as YYYY-MM-DD"]),
    Case(name: "a bad --on (explain)",
         arguments: { _ in ["explain", "yingjiang", "--on", "2024-6-1"] },
         zh: ["错误：`--on` 的值 `2024-6-1` 不是日期"], en: ["error: --on `2024-6-1` is not a date"]),
    Case(name: "facts without as_of",
         arguments: { ["eval", "\($0)/f.yaml"] },
         prepare: {
           let text = try String(contentsOfFile: Paths.examples + "/yingjiang.yaml", encoding: .utf8)
           try write(text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("as_of:") }.joined(separator: "\n"), "\($0)/f.yaml")
         },
         zh: ["f.yaml` 没有 `as_of`；请用 `--as-of YYYY-MM-DD` 给出评估日期"], en: ["f.yaml` has no `as_of`; give the date to judge on with --as-of YYYY-MM-DD"]),
    Case(name: "a bad --engine",
         arguments: { _ in ["batch", BatchFixtures.path("mixed.csv"), "--as-of", "2024-06-30", "--policies", Paths.policies, "--engine", "fast"] },
         zh: ["错误：`--engine` 只能是 `columns` 或 `rows`"], en: ["error: --engine must be `columns` or `rows`"]),
    Case(name: "no chunk rows",
         arguments: { _ in ["batch", BatchFixtures.path("mixed.csv"), "--as-of", "2024-06-30", "--policies", Paths.policies, "--chunk-rows", "0"] },
         zh: ["错误：`--chunk-rows` 和 `--threads` 须为正数"], en: ["error: --chunk-rows and --threads must be positive"]),
    Case(name: "diff of one policy with itself", status: 64,
         arguments: { _ in ["diff", "yingjiang", "yingjiang"] },
         zh: ["错误：`yingjiang` 和 `yingjiang` 都是政策 `yingjiang`", "\n   提示：请给修改后的副本另起一个 `id`"],
         en: ["error: `yingjiang` and `yingjiang` are both policy `yingjiang`", "\n   help: give the edited copy its own `id`"]),
    Case(name: "explain of an unknown rule", status: 64,
         arguments: { _ in ["explain", "yingjiang/employment-servce-subsidy"] },
         zh: ["错误：没有规则或政策 `yingjiang/employment-servce-subsidy`", "\n   提示："],
         en: ["error: no rule or policy `yingjiang/employment-servce-subsidy`", "\n   help: did you mean"]),
    Case(name: "json-schema without --out", status: 64,
         arguments: { _ in ["schema", "--format", "json-schema"] },
         zh: ["错误：`--format json-schema` 会写出三个文件"], en: ["error: --format json-schema writes three files"]),
    Case(name: "schema into a folder that does not exist",
         arguments: { ["schema", "--out", "\($0)/none/facts.md"] },
         zh: ["错误：无法写入 `", "facts.md`：文件或文件夹不存在"], en: ["error: cannot write `", "facts.md`: No such file or directory"]),
    Case(name: "generate into a folder that does not exist",
         arguments: { ["generate", "--rows", "3", "--out", "\($0)/none/g.csv"] },
         zh: ["错误：无法写入 `", "g.csv`：文件或文件夹不存在"], en: ["error: cannot write `", "g.csv`: No such file or directory"]),
    Case(name: "serve with a missing token file",
         arguments: { ["serve", "--port", "0", "--token-file", "\($0)/token"] },
         zh: ["错误：无法读取令牌文件 `"], en: ["error: cannot read the token file `"]),
    Case(name: "serve with a short token",
         arguments: { ["serve", "--port", "0", "--token-file", "\($0)/token"] },
         prepare: { try write("short\n", "\($0)/token") },
         zh: ["token` 中的令牌短于 16 个字符"], en: ["token` is shorter than 16 characters"]),
    // ArgumentParser's own usage errors (exit 64), given in Chinese by `UsageErrorText`.
    Case(name: "an unknown option, with a suggestion", status: 64,
         arguments: { _ in ["batch", "x.csv", "--as-of", "2024-06-30", "--outt", "y.csv"] },
         zh: ["错误：没有选项 `--outt`。是不是要写 `--out`？", "用法：`subsidy batch"], en: ["Error: Unknown option '--outt'. Did you mean '--out'?"]),
    Case(name: "a missing argument", status: 64,
         arguments: { _ in ["batch", "x.csv"] },
         zh: ["错误：缺少 `--as-of <as-of>`"], en: ["Error: Missing expected argument '--as-of <as-of>'"]),
    Case(name: "a value that does not parse", status: 64,
         arguments: { _ in ["batch", "x.csv", "--as-of", "2024-06-30", "--threads", "abc"] },
         zh: ["错误：`abc` 不是 `--threads <threads>` 的有效值"], en: ["Error: The value 'abc' is invalid for '--threads <threads>'"]),
    Case(name: "an option without its value", status: 64,
         arguments: { _ in ["batch", "x.csv", "--as-of"] },
         zh: ["错误：`--as-of <as-of>` 后面缺少值"], en: ["Error: Missing value for '--as-of <as-of>'"]),
    Case(name: "an extra argument that is an ID number (masked)", status: 64,
         arguments: { _ in ["batch", "x.csv", "533123199001011234", "--as-of", "2024-06-30"] },
         zh: ["错误：多余的参数 `533123********1234`"], en: ["Error: Unexpected argument '533123********1234'"]),
  ]

  @Test(arguments: cases)
  func chineseByDefaultEnglishWithLangEn(_ c: Case) throws {
    for lang in ["zh", "en"] {
      let dir = Paths.sandbox()
      defer { try? FileManager.default.removeItem(at: dir) }
      try c.prepare(dir.path)
      let r = try runCLI(c.arguments(dir.path) + (lang == "en" ? ["--lang", "en"] : []), in: dir)
      #expect(r.status == c.status, "\(lang): \(r.stderr)")
      for expected in lang == "en" ? c.en : c.zh {
        #expect(r.stderr.contains(expected), "\(lang): no “\(expected)” in:\n\(r.stderr)")
      }
      if lang == "zh" {
        #expect(!r.stderr.contains("error:") && !r.stderr.contains("help:"), "\(r.stderr)")
        for line in r.stderr.split(separator: "\n") where line.hasPrefix("错误：") || line.hasPrefix("   提示：") {
          let english = Self.englishWords(in: String(line))
          #expect(english.isEmpty, "English \(english) in: \(line)")
        }
      } else {
        #expect(!r.stderr.contains("错误："), "\(r.stderr)")
      }
    }
  }

  /// Every ledger error, including those a test cannot provoke from the CLI, has its Chinese.
  @Test func everyLedgerErrorHasItsChinese() {
    let all: [LedgerError] = [
      .missingFile("l.sqlite"), .duplicateBatch("b1"), .emptyKey, .negativeAmount(key: "k", fen: -1), .amountOverflow,
      .noSuchPayment(9), .alreadyVoided(9), .emptyReason, .transactionClosed,
      .damaged("l.sqlite", LocalizedText("its trigger `t` is missing or disabled", zh: "触发器 `t` 缺失或被停用")), .readOnly("l.sqlite"),
      .cannotCreate("l.sqlite", SystemError.text(errno: EACCES)), .server("postgres://u@h:5432/d", .verbatim("connection refused")),
      .targetNotEmpty("postgres://u@h:5432/d", batches: 3),
    ]
    for error in all {
      #expect(!error.text.zh.isEmpty && error.text.zh != error.text.en, "\(error)")
      #expect(Self.englishWords(in: error.text.zh).isEmpty, "English in: \(error.text.zh)")
      #expect(error.description == error.text.en)
    }
  }

  @Test func systemReasonsAreChineseAndUnknownOnesQuoted() {
    for code in [EACCES, ENOENT, ENOSPC, EROFS, EISDIR, ENOTDIR] {
      let text = SystemError.text(errno: code)
      #expect(text.en == String(cString: strerror(code)))
      #expect(Self.englishWords(in: text.zh).isEmpty, "\(code): \(text.zh)")
    }
    #expect(SystemError.text(errno: EOVERFLOW).zh.hasPrefix("系统错误 \(EOVERFLOW)：`"))
    let posix = NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))
    #expect(SystemError.text(of: posix).zh == "磁盘已满")
  }

  @Test func aCSVFailureSaysItsPlaceInBothLanguages() {
    let failure = CSVReader.Failure.gbk(line: 4, column: 2, byte: 0xB0)
    #expect(failure.text(file: "x.csv").en.hasPrefix("x.csv: line 4, column 2: byte 0xB0 is not UTF-8"))
    #expect(failure.text(file: "x.csv").zh.hasPrefix("`x.csv` 第 4 行第 2 列：字节 0xB0 不是 UTF-8"))
    #expect(failure.description == failure.text.en)
    #expect(CSVReader.Failure(line: 0, message: "m", zh: "中").text.zh == "中")
  }
}
