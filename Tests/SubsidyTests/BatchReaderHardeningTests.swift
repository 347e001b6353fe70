import Foundation
import Testing

/// Careless and hostile bytes in a batch file: an unclosed quote, CR-only line ends, control
/// characters, bytes that are not UTF-8, a GBK file. Each gives a reject or an error with its line
/// (and column), never a hang, a merged worker or a silently changed value.
@Suite struct BatchReaderHardeningTests {
  @Test func anUnclosedQuoteAtTheEndIsAnErrorWithItsLineNotAHang() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let good = try Hostile.goodRow()
    let text = TestCSV.line(BatchFixtures.columns) + "\n" + good.csv() + "\n" + "YJ-D999,\"YJ-P999,李四\n"
    let file = try write(text, to: dir, "unclosed.csv")
    let out = dir.appendingPathComponent("payouts.csv").path
    for arguments in [
      ["batch", file, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--out", out, "--ledger", dir.appendingPathComponent("l.sqlite").path, "--lang", "en"],
      ["compare", file, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--policy", "yingjiang", "--policy", "sandu", "--lang", "en"],
    ] {
      let r = try #require(try Hostile.runCLIWithin(20, arguments), "`subsidy \(arguments[0])` hung on an unclosed quote")
      #expect(r.status == 1, "\(arguments[0]): \(r.stderr)")
      #expect(r.stderr.contains("line 3, column 9"), "\(arguments[0]): \(r.stderr)")
      #expect(r.stderr.contains("never closed"), "\(arguments[0]): \(r.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: out), "a failed run left a payouts file")
  }

  @Test func anUnclosedQuoteInTheMiddleOfALargeFileNamesTheLineItOpensOn() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rows = try Hostile.distinctRows(3).map { $0.csv() }
    let text = TestCSV.line(BatchFixtures.columns) + "\n" + rows[0] + "\n" + "D9,\"P9" + String(repeating: "x", count: 1_500_000) + "\n" + rows[1] + "\n"
    let file = try write(text, to: dir, "long.csv")
    let r = try #require(try Hostile.runCLIWithin(30, ["batch", file, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--lang", "en"]))
    #expect(r.status == 1)
    #expect(r.stderr.contains("line 3, column 4"), "\(r.stderr)")
  }

  /// A folder named like a CSV opens but cannot be read: an error naming it, not a crash.
  @Test func aFolderGivenAsTheFileIsAnErrorNotACrash() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let folder = dir.appendingPathComponent("export.csv")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let r = try #require(try Hostile.runCLIWithin(20, ["batch", folder.path, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--lang", "en"]))
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr.contains("cannot read `\(folder.path)`: Is a directory"), "\(r.stderr)")
  }

  @Test func crOnlyLineEndsAreRecognisedAndNamedInOneMessage() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = try BatchFixtures.text("mixed.csv").replacingOccurrences(of: "\n", with: "\r")
    let file = try write(text, to: dir, "mac.csv")
    for arguments in [
      ["batch", file, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--lang", "en"],
      ["compare", file, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--policy", "yingjiang", "--policy", "sandu", "--lang", "en"],
    ] {
      let r = try runCLI(arguments)
      #expect(r.status == 1, "\(arguments[0]): \(r.stderr)")
      #expect(r.stderr.contains("carriage return (CR) alone"), "\(arguments[0]): \(r.stderr)")
      #expect(!r.stderr.contains("duplicate"), "\(arguments[0]): \(r.stderr)")
      #expect(r.stderr.split(separator: "\n").count <= 2, "\(arguments[0]) gave many messages: \(r.stderr)")
    }
  }

  /// `P\0C` paid, then `P\0Z` came out already paid: the NUL cut the ledger key short.
  @Test func aNULInAnIDIsRejectedWithItsColumnAndPaysNothing() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var rows = try Hostile.distinctRows(3)
    rows[0]["person_id"] = "P\u{0}C"
    rows[1]["dispatch_id"] = "D\u{0}1"
    let file = try Hostile.csv(rows, in: dir)
    let ledger = dir.appendingPathComponent("l.sqlite").path
    let run = try runBatch(file, asOf: Hostile.asOf, ["--policies", Paths.policies, "--commit", "--ledger", ledger], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let rejected = Dictionary(uniqueKeysWithValues: run.rejects.map { ($0["line"] ?? "", $0) })
    #expect(rejected["2"]?["column"] == "person_id", "\(run.rejectsText)")
    #expect(rejected["3"]?["column"] == "dispatch_id", "\(run.rejectsText)")
    #expect(rejected["2"]?["reason"]?.contains("NUL (U+0000)") == true, "\(run.rejectsText)")
    #expect(!run.rejectsText.contains("\u{0}"), "the raw NUL was written to the rejects file")
    #expect(run.ledgerCounts.committed == 1, "\(run.stdout)")
    #expect(Set(run.payouts.map { $0["beneficiary"] ?? "" }) == ["P2"], "\(run.payoutsText)")
  }

  /// `\t=1+1` was trimmed to the formula `=1+1`; an id or name with a TAB is refused, not trimmed.
  @Test func aTabInAnIDOrNameIsRejectedNotTrimmed() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var rows = try Hostile.distinctRows(3)
    rows[0]["person_id"] = "\t=1+1"
    rows[1]["person_name"] = "\t=1+1"
    let file = try Hostile.csv(rows, in: dir)
    let run = try runBatch(file, asOf: Hostile.asOf, ["--policies", Paths.policies], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let columns = Dictionary(uniqueKeysWithValues: run.rejects.map { ($0["line"] ?? "", $0["column"] ?? "") })
    #expect(columns == ["2": "person_id", "3": "person_name"], "\(run.rejectsText)")
    #expect(run.rejects.allSatisfy { ($0["reason"] ?? "").contains("TAB (U+0009)") }, "\(run.rejectsText)")
    #expect(!run.payoutsText.contains("=1+1"), "\(run.payoutsText)")
  }

  /// Invalid UTF-8 became U+FFFD, so `P\xC0` and `P\xC1` were one worker.
  @Test func invalidUTF8InACellIsRejectedWithLineAndColumn() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var rows = try Hostile.distinctRows(3)
    rows[0]["person_id"] = "PERSON_A"
    rows[1]["person_id"] = "PERSON_B"
    var bytes = Array((([TestCSV.line(BatchFixtures.columns)] + rows.map { $0.csv() }).joined(separator: "\n") + "\n").utf8)
    // Replace the letters A and B of the two ids by two different bytes that are not UTF-8.
    for (name, byte) in [("PERSON_A", UInt8(0xC0)), ("PERSON_B", UInt8(0xC1))] {
      let needle = Array(name.utf8)
      if let at = (0...(bytes.count - needle.count)).first(where: { Array(bytes[$0..<($0 + needle.count)]) == needle }) {
        bytes[at + needle.count - 1] = byte
      }
    }
    let file = try Hostile.bytes(bytes, in: dir, "bad-utf8.csv")
    let run = try runBatch(file, asOf: Hostile.asOf, ["--policies", Paths.policies], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let columns = Dictionary(uniqueKeysWithValues: run.rejects.map { ($0["line"] ?? "", $0["column"] ?? "") })
    #expect(columns == ["2": "person_id", "3": "person_id"], "\(run.rejectsText)")
    #expect(run.rejects.allSatisfy { ($0["reason"] ?? "").contains("not UTF-8") }, "\(run.rejectsText)")
    #expect(run.rejects.first?["reason"]?.contains("0xC0") == true, "\(run.rejectsText)")
    #expect(!run.payoutsText.contains("\u{FFFD}"), "\(run.payoutsText)")
  }

  @Test func aGBKFileIsRefusedWholeWithAHintToSaveItAsUTF8() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 李国华 in GBK: C0 EE B9 FA BB AA.
    let utf8 = Array(try BatchFixtures.text("mixed.csv").utf8)
    var gbk: [UInt8] = []
    let name = Array("李国华".utf8)
    var i = 0
    while i < utf8.count {
      if i + name.count <= utf8.count, Array(utf8[i..<(i + name.count)]) == name {
        gbk += [0xC0, 0xEE, 0xB9, 0xFA, 0xBB, 0xAA]
        i += name.count
      } else if utf8[i] < 0x80 {
        gbk.append(utf8[i])
        i += 1
      } else {
        gbk += [0xD6, 0xD0]  // every other Chinese character as 中
        i += 1
        while i < utf8.count, utf8[i] & 0xC0 == 0x80 { i += 1 }
      }
    }
    let file = try Hostile.bytes(gbk, in: dir, "gbk.csv")
    let r = try runCLI(["batch", file, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--lang", "en"])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr.contains("line 2, column 17"), "\(r.stderr)")
    #expect(r.stderr.contains("GBK") && r.stderr.contains("UTF-8"), "\(r.stderr)")

    // GBK only from line 4 on, read one record per chunk: a worker finds it while earlier chunks are
    // merged, and the run still stops there with the same message and writes nothing.
    let lines = utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let gbkLines = gbk.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let mixed = (lines.prefix(3) + gbkLines.dropFirst(3)).joined(separator: [UInt8(ascii: "\n")])
    let late = try Hostile.bytes(Array(mixed), in: dir, "gbk-late.csv")
    let out = dir.appendingPathComponent("late-out.csv").path
    let r2 = try runCLI(["batch", late, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--lang", "en",
                         "--chunk-rows", "1", "--threads", "2", "--out", out])
    #expect(r2.status == 1, "\(r2.stderr)")
    #expect(r2.stderr.contains("line 4, column"), "\(r2.stderr)")
    #expect(r2.stderr.contains("GBK"), "\(r2.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func jsonLinesRejectsBadBytesAndControlCharactersPerLineAndRefusesGBK() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let line = #"{"people":[{"id":"P1","name":"李四","hukou":"533123","poverty_status":"alleviated"}],"organizations":[{"id":"O1","kind":"hr_service_agency","location":"533123"}],"dispatches":[{"id":"D1","person":"P1","organizer":"O1","destination":"350981","organized":true,"start":"2024-01-01","evidence":["organized_export_roster","income_proof"]}]}"#
    var bytes = Array((line + "\n").utf8)
    bytes += Array((line.replacingOccurrences(of: "\"P1\"", with: #""P\u0000Z""#) + "\n").utf8)
    bytes += Array(line.replacingOccurrences(of: "李四", with: "XX").utf8).map { $0 == UInt8(ascii: "X") ? 0xFF : $0 } + [0x0A]
    let file = try Hostile.bytes(bytes, in: dir, "lines.jsonl")
    let run = try runBatch(file, asOf: Hostile.asOf, ["--policies", Paths.policies], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let rejects = Dictionary(uniqueKeysWithValues: run.rejects.map { ($0["line"] ?? "", $0) })
    #expect(rejects["2"]?["reason"]?.contains("NUL (U+0000)") == true, "\(run.rejectsText)")
    #expect(rejects["3"]?["reason"]?.contains("not UTF-8") == true, "\(run.rejectsText)")
    #expect(rejects["3"]?["column"] == "column 31", "\(run.rejectsText)")
    #expect(run.payouts.filter { $0["status"] == "payable" }.map { $0["beneficiary"] ?? "" } == ["P1"], "\(run.payoutsText)")

    let gbkLine = Array(line.utf8.prefix(30)) + [0xC0, 0xEE, 0xCB, 0xC4] + Array(line.utf8.dropFirst(30 + 6))
    let gbk = try Hostile.bytes(gbkLine + [0x0A], in: dir, "gbk.jsonl")
    let r = try runCLI(["batch", gbk, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--lang", "en"])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr.contains("line 1, column 31") && r.stderr.contains("GBK"), "\(r.stderr)")
  }

  /// The JSON Lines reader dropped each line from the front of its buffer: quadratic in the block.
  @Test func manyShortJSONLinesAreReadInLinearTime() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try write(String(repeating: " \n", count: 400_000) + "{}\n", to: dir, "blank.jsonl")
    let started = Date()
    let r = try #require(try Hostile.runCLIWithin(60, ["batch", file, "--as-of", Hostile.asOf, "--policies", Paths.policies, "--lang", "en"]))
    #expect(r.stdout.contains("rows read 1") || r.stderr.contains("rows read 1"), "\(r.stdout)\(r.stderr)")
    #expect(Date().timeIntervalSince(started) < 15, "took \(Date().timeIntervalSince(started)) s")
  }
}
