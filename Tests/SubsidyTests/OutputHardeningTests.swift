import Foundation
import Ledger
import PolicySupport
import Testing

/// What the product writes: never over one of its own inputs, the ledger or another output; all or
/// nothing; every CSV through one writer that defuses formulas; text with control characters escaped.
@Suite struct OutputHardeningTests {
  static func ledgerCount(_ ledger: String) throws -> Int {
    try LedgerStore(readingAt: ledger).payments(filter: PaymentFilter(includeVoided: true)).count
  }

  /// `--out` onto the ledger destroyed it and exited 0; onto `--rejects` lost the payouts; onto the
  /// input overwrote it. Each pair, however spelt, is refused before anything is written.
  @Test func twoRolesNamingOneFileAreRefusedAndNothingIsWritten() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = try Hostile.csv(try Hostile.distinctRows(2), in: dir, "in.csv")
    let ledger = dir.appendingPathComponent("l.sqlite").path
    let first = try runCLI(["batch", input, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--commit", "--ledger", ledger,
                            "--out", dir.appendingPathComponent("first.csv").path])
    #expect(first.status == 0, "\(first.stderr)")
    let paid = try Self.ledgerCount(ledger)
    #expect(paid == 2)
    let inputBytes = try Data(contentsOf: URL(fileURLWithPath: input))
    let policyFile = Paths.policies + "/yingjiang.yaml"
    let cases: [[String]] = [
      ["--commit", "--ledger", ledger, "--out", ledger],
      ["--ledger", ledger, "--out", dir.path + "/./sub/../l.sqlite"],
      ["--commit", "--ledger", ledger, "--out", ledger + "-wal"],
      ["--out", dir.appendingPathComponent("x.csv").path, "--rejects", dir.path + "/../" + dir.lastPathComponent + "/x.csv"],
      ["--out", input],
      ["--rejects", policyFile],
    ]
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
    for extra in cases {
      let r = try runCLI(["batch", input, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--batch-id", UUID().uuidString, "--lang", "en"] + extra)
      #expect(r.status == 1, "\(extra): \(r.stderr)")
      #expect(r.stderr.contains("are the same file"), "\(extra): \(r.stderr)")
    }
    #expect(try Self.ledgerCount(ledger) == paid, "the ledger changed")
    #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == inputBytes, "the input changed")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.csv").path))
    #expect(try LedgerStore(readingAt: ledger).integrityCheck() == ["ok"])

    let export = try runCLI(["ledger", "export", "--ledger", ledger, "--out", ledger, "--lang", "en"])
    #expect(export.status == 1 && export.stderr.contains("are the same file"), "\(export.stderr)")
    let html = try runCLI(["compare", input, "--as-of", Hostile.asOf, "--policies", Paths.policies,
                           "--policy", "yingjiang", "--policy", "sandu", "--html", input, "--lang", "en"])
    #expect(html.status == 1 && html.stderr.contains("are the same file"), "\(html.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == inputBytes, "the input changed")
    #expect(try Self.ledgerCount(ledger) == paid)
  }

  /// A run that fails half way leaves the old payouts file as it was (it was truncated) and no
  /// temporary file behind.
  @Test func aFailedRunLeavesTheOldOutputsAndNoTemporaryFiles() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rows = try Hostile.distinctRows(40).map { $0.csv() }
    // Good rows, then a quote that is never closed and runs past the record limit.
    let text = ([TestCSV.line(BatchFixtures.columns)] + rows).joined(separator: "\n") + "\nD99,\"" + String(repeating: "x", count: 1_200_000) + "\n"
    let input = try write(text, to: dir, "in.csv")
    let out = try write("OLD PAYOUTS\n", to: dir, "payouts.csv")
    let rejects = try write("OLD REJECTS\n", to: dir, "rejects.csv")
    let r = try runCLI(["batch", input, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--out", out, "--rejects", rejects, "--chunk-rows", "1"])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "OLD PAYOUTS\n")
    #expect(try String(contentsOfFile: rejects, encoding: .utf8) == "OLD REJECTS\n")
    #expect(Hostile.leftovers(dir).isEmpty, "left behind: \(Hostile.leftovers(dir))")

    // The same outputs from a good run replace the old files whole.
    let good = try Hostile.csv(try Hostile.distinctRows(2), in: dir, "good.csv")
    let ok = try runCLI(["batch", good, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--out", out, "--rejects", rejects])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("policy,rule,"))
    #expect(Hostile.leftovers(dir).isEmpty)
  }

  /// A destination that is not a regular file (a pipe, `/dev/null`) is written, not replaced by a rename.
  @Test func generateWritesAtomicallyAndAPipeStaysAPipe() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("gen.csv").path
    let r = try runCLI(["generate", "--rows", "5", "--out", file])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count == 6)
    #expect(Hostile.leftovers(dir).isEmpty)

    // A pipe, as `/dev/null` is a device: the old writer renamed a new file over either (as root, over /dev/null).
    let fifo = dir.appendingPathComponent("pipe").path
    #expect(mkfifo(fifo, 0o600) == 0)
    // A reader that does not wait for a writer; the payouts of five rows fit in the pipe's buffer.
    let fd = open(fifo, O_RDONLY | O_NONBLOCK)
    #expect(fd >= 0)
    defer { close(fd) }
    let run = try runCLI(["batch", file, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--out", fifo])
    #expect(run.status == 0, "\(run.stderr)")
    var bytes: [UInt8] = [], block = [UInt8](repeating: 0, count: 1 << 16)
    while case let n = read(fd, &block, block.count), n > 0 { bytes += block[0..<n] }
    #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("policy,rule,"), "nothing came through the pipe")
    var info = stat()
    #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the pipe was replaced by a file")
  }

  // MARK: formula injection: one writer, a test per output

  static let formulas = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")"]

  /// The cells of `text` (a CSV) that a spreadsheet would run.
  static func liveFormulas(_ text: String) -> [String] {
    TestCSV.parse(text).flatMap(\.fields).filter { cell in
      guard let first = cell.unicodeScalars.first else { return false }
      if "=@\t\r".unicodeScalars.contains(first) { return true }
      return (first == "+" || first == "-") && Double(cell) == nil
    }
  }

  @Test func payoutsRejectsAndTheExcelFlavourDefuseFormulas() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var rows = try Hostile.distinctRows(Self.formulas.count * 2)
    for (i, formula) in Self.formulas.enumerated() {
      rows[i]["person_id"] = formula
      rows[i]["person_name"] = formula
      rows[Self.formulas.count + i]["organized"] = formula  // a bad cell: the value goes to the rejects
    }
    let input = try Hostile.csv(rows, in: dir)
    for extra in [[], ["--excel"]] {
      let run = try runBatch(input, asOf: Hostile.asOf, ["--policies", Paths.policies] + extra, in: dir)
      #expect(run.status == 0, "\(run.stderr)")
      #expect(Set(run.payouts.map { $0["beneficiary"] ?? "" }).isSuperset(of: Self.formulas.map { "'" + $0 }), "\(run.payoutsText)")
      #expect(Self.liveFormulas(run.payoutsText).isEmpty, "\(extra): \(Self.liveFormulas(run.payoutsText))")
      #expect(run.rejects.count == Self.formulas.count, "\(run.rejectsText)")
      #expect(Set(run.rejects.map { $0["value"] ?? "" }) == Set(Self.formulas.map { "'" + $0 }), "\(run.rejectsText)")
      #expect(Self.liveFormulas(run.rejectsText).isEmpty, "\(extra): \(Self.liveFormulas(run.rejectsText))")
    }
  }

  @Test func ledgerListExportAndCompareCSVDefuseFormulas() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var rows = try Hostile.distinctRows(Self.formulas.count)
    for (i, formula) in Self.formulas.enumerated() { rows[i]["person_id"] = formula }
    let input = try Hostile.csv(rows, in: dir)
    let ledger = dir.appendingPathComponent("l.sqlite").path
    let run = try runBatch(input, asOf: Hostile.asOf, ["--policies", Paths.policies, "--commit", "--ledger", ledger], in: dir)
    #expect(run.ledgerCounts.committed == Self.formulas.count, "\(run.stdout)\(run.stderr)")

    let list = try runCLI(["ledger", "list", "--ledger", ledger, "--format", "csv"])
    #expect(list.status == 0, "\(list.stderr)")
    #expect(Set(TestCSV.table(list.stdout).rows.map { $0["beneficiary"] ?? "" }) == Set(Self.formulas.map { "'" + $0 }), "\(list.stdout)")
    #expect(Self.liveFormulas(list.stdout).isEmpty, "\(Self.liveFormulas(list.stdout))")
    for extra in [[], ["--excel"]] {
      let out = dir.appendingPathComponent("export\(extra.count).csv").path
      let export = try runCLI(["ledger", "export", "--ledger", ledger, "--out", out] + extra)
      #expect(export.status == 0, "\(export.stderr)")
      let text = try String(contentsOfFile: out, encoding: .utf8)
      #expect(Self.liveFormulas(text).isEmpty, "\(extra): \(Self.liveFormulas(text))")
      #expect(text.contains(",'=1+1,"), "\(text)")
    }
    let compare = try runCLI(["compare", input, "--as-of", Hostile.asOf, "--policies", Paths.policies,
                              "--policy", "yingjiang", "--policy", "sandu", "--format", "csv"])
    #expect(compare.status == 0, "\(compare.stderr)")
    #expect(TestCSV.table(compare.stdout).rows.contains { $0["id"] == "'=1+1" }, "\(compare.stdout)")
    #expect(Self.liveFormulas(compare.stdout).isEmpty, "\(Self.liveFormulas(compare.stdout))")
  }

  @Test func theCellWriterQuotesPerRFC4180AndLeavesNumbersAlone() {
    #expect(CSVField.encoded("plain") == "plain")
    #expect(CSVField.encoded("a,b") == "\"a,b\"")
    #expect(CSVField.encoded("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(CSVField.encoded("two\nlines") == "\"two\nlines\"")
    #expect(CSVField.encoded("=1+1") == "'=1+1")
    #expect(CSVField.encoded("=A1,B1") == "\"'=A1,B1\"")
    #expect(CSVField.encoded("\t=1") == "'\t=1")
    #expect(CSVField.encoded("\r=1") == "\"'\r=1\"")
    #expect(CSVField.encoded("@x") == "'@x")
    #expect(CSVField.encoded("-200.00") == "-200.00")
    #expect(CSVField.encoded("+15") == "+15")
    #expect(CSVField.encoded("-1+1") == "'-1+1")
    #expect(CSVField.encoded("-") == "'-")
    #expect(CSVField.encoded("李四") == "李四")
    #expect(CSVField.record(["a", "=b"], crlf: true) == "a,'=b\r\n")
  }

  // MARK: terminal escapes

  static let escape = "P1\u{1B}]0;pwned\u{07}\u{1B}[2J"

  @Test func ledgerTextAndEvalTextShowControlCharactersEscaped() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let ledger = dir.appendingPathComponent("l.sqlite").path
    let record = PaymentRecord(
      key: "k|\(Self.escape)", policy: "yingjiang", rule: "r", clause: "七（一）", subject: Self.escape, beneficiary: Self.escape,
      payee: "O\u{9B}31m", amountFen: 100, period: "2024", funding: nil, eligibleFrom: nil, explanation: "{}")
    _ = try LedgerStore(path: ledger).commit(BatchInfo(id: "b\u{1B}[2J", source: "s", engineVersion: "0", policyHash: "h", asOf: "2024-06-30")) {
      _ = try $0.record([record])
    }
    for arguments in [["ledger", "list", "--ledger", ledger], ["ledger", "batches", "--ledger", ledger]] {
      let r = try runCLI(arguments)
      #expect(r.status == 0, "\(r.stderr)")
      #expect(!r.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" }, "\(arguments[1]): raw control characters")
      #expect(r.stdout.contains("\\e[2J"), "\(arguments[1]): \(r.stdout)")
    }

    let facts = """
      as_of: 2024-06-30
      people:
        - {id: "P1\\e]0;pwned\\a", name: "李\\e[2J四", hukou: "533123", poverty_status: alleviated}
      organizations:
        - {id: O1, kind: hr_service_agency, location: "533123"}
      dispatches:
        - {id: "D1\\e[31m", person: "P1\\e]0;pwned\\a", organizer: O1, destination: "350981", organized: true, start: 2024-01-01,
           evidence: [organized_export_roster, income_proof]}
      """
    let file = try write(facts, to: dir, "facts.yaml")
    let eval = try runCLI(["eval", file, "--policies", Paths.policies])
    #expect(!(eval.stdout + eval.stderr).unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "eval printed raw control characters")
    #expect(eval.stdout.contains("D1\\e[31m") || eval.stderr.contains("\\e"), "\(eval.stdout)\(eval.stderr)")
  }

  @Test func theTerminalEscapeKeepsLayoutAndPrintableText() {
    #expect(ControlCharacters.escapedForTerminal("李四\tP1\n") == "李四\tP1\n")
    #expect(ControlCharacters.escapedForTerminal(Self.escape) == "P1\\e]0;pwned\\u{7}\\e[2J")
    #expect(ControlCharacters.escapedForTerminal("a\rb\u{0}\u{202E}") == "a\\rb\\0\\u{202E}")
    let once = ControlCharacters.escapedForTerminal(Self.escape)
    #expect(ControlCharacters.escapedForTerminal(once) == once)
  }
}
