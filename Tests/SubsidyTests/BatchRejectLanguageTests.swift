import Foundation
import Testing

/// A clerk reads the rejects file in Chinese by default and in English with `--lang en`: every
/// reason the batch gives — a bad cell, a bad byte, a control character, a row cut short, a record
/// check, a repeated dispatch id, an ID number two people give — is worded in both, while the line,
/// the column's contract name and the value stay the same in either language.
@Suite struct BatchRejectLanguageTests {
  /// `mixed.csv` (bad dates, codes, enum values, booleans, check digits, empty and short rows) and a
  /// row for each of the batch's own reasons.
  static func file(in dir: URL) throws -> String {
    let mixed = try String(contentsOfFile: BatchFixtures.path("mixed.csv"), encoding: .utf8)
    var lines = mixed.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let first = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    func row(_ changes: [String: String]) -> String {
      var cells = first
      for (column, value) in changes { cells[header.firstIndex(of: column)!] = value }
      return cells.joined(separator: ",")
    }
    lines += [
      row([:]),                                                                       // repeats YJ-D001
      row(["dispatch_id": "YJ-R1", "person_id_number": "533123198507221025"]),        // YJ-P001 with YJ-P002's number
      row(["dispatch_id": "YJ-R2", "person_id": "YJ-P777"]),                          // YJ-P001's number under another id
      row(["dispatch_id": "YJ-R3", "person_id": "YJ-P778", "person_id_number": "", "person_name": "\"李\t四\""]),
      row(["dispatch_id": "YJ-R4", "person_id": "YJ-P779", "person_id_number": "", "transport_cost": "-5"]),
      row(["dispatch_id": "YJ-R5", "person_id": "YJ-P780", "person_id_number": "", "end": "2024-01-01"]),
      row(["dispatch_id": "YJ-R6", "person_id": "YJ-P781", "person_id_number": "", "person_name": "李\u{1}四"]),
    ]
    // A byte that is not UTF-8 in a name (one byte, not a GBK-encoded file).
    let bad = row(["dispatch_id": "YJ-R7", "person_id": "YJ-P782", "person_id_number": "", "person_name": "NAME"]).components(separatedBy: "NAME")
    let data = Data((lines.joined(separator: "\n") + "\n" + bad[0]).utf8) + Data([0xFF]) + Data((bad[1] + "\n").utf8)
    let url = dir.appendingPathComponent("reasons.csv")
    try data.write(to: url)
    return url.path
  }

  /// Text outside backticks (values and names quoted in a reason) and outside the value: what is
  /// worded for the reader.
  static func wording(_ reason: String, value: String) -> String {
    var out = "", quoted = false
    let bare = reason.replacingOccurrences(of: value, with: " ").replacingOccurrences(of: #"0x[0-9A-F]+"#, with: " ", options: .regularExpression)
    for c in bare {
      if c == "`" { quoted.toggle(); continue }
      if !quoted { out.append(c) }
    }
    return out
  }

  @Test func theRejectsSpeakChineseByDefaultAndEnglishWhenAsked() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.file(in: dir)
    let zh = try runBatch(path, asOf: "2024-12-31", ["--lang", "zh"], in: dir, name: "zh")
    let en = try runBatch(path, asOf: "2024-12-31", in: dir, name: "en")
    #expect(zh.status == 0 && en.status == 0, "\(zh.stderr)\(en.stderr)")
    // Chinese is the default: without `--lang` the rejects are the `--lang zh` ones.
    let plain = dir.appendingPathComponent("plain-rejects.csv").path
    let run = try runCLI(["batch", path, "--as-of", "2024-12-31", "--out", dir.appendingPathComponent("plain.csv").path, "--rejects", plain,
                          "--ledger", dir.appendingPathComponent("plain.sqlite").path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try String(contentsOfFile: plain, encoding: .utf8) == zh.rejectsText)
    // The same rows, columns and values; only the reasons' words differ.
    #expect(zh.rejects.map { [$0["line"], $0["column"], $0["value"]] } == en.rejects.map { [$0["line"], $0["column"], $0["value"]] },
            "zh:\n\(zh.rejectsText)\nen:\n\(en.rejectsText)")
    #expect(zh.rejects.count == 7 + 8, "\(zh.rejectsText)")
    // Each of the batch's own reasons is there, in each language.
    for words in ["repeats the dispatch id of line 2", "has another ID number on line 2", "is the ID number of another person on line 2",
                  "control character TAB", "control character U+0001", "must be at least 0", "end >= start", "is not UTF-8", "cells, but the header has"] {
      #expect(en.rejectsText.contains(words), "no `\(words)` in\n\(en.rejectsText)")
    }
    for words in ["与第 2 行的派遣编号重复", "在第 2 行的身份证号与此不同", "是第 2 行另一个人员的身份证号", "制表符", "U+0001", "不是 UTF-8", "个单元格，但表头有"] {
      #expect(zh.rejectsText.contains(words), "no `\(words)` in\n\(zh.rejectsText)")
    }
    for reject in zh.rejects {
      let reason = reject["reason"] ?? "", words = Self.wording(reason, value: reject["value"] ?? "")
      #expect(words.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "not Chinese: \(reject)")
      // No English left in the words: at most a name such as Excel, UTF-8 or a code point.
      let english = words.split { !$0.isASCII || !$0.isLetter }.filter { $0.count >= 3 && !["UTF", "Excel", "CSV", "GBK"].contains(String($0)) }
      #expect(english.isEmpty, "English words \(english) in the Chinese reason of \(reject)")
    }
  }

  /// A person id may itself be an ID number, and a cell refused for its bytes may be one: masked in
  /// the rejects (value and reason, either language) unless `--show-pii`, as in every output.
  @Test func anIDNumberInAReasonOrARefusedCellIsMasked() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let mixed = try String(contentsOfFile: BatchFixtures.path("mixed.csv"), encoding: .utf8)
    let lines = mixed.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    func row(_ changes: [String: String]) -> String {
      var cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      for (column, value) in changes { cells[header.firstIndex(of: column)!] = value }
      return cells.joined(separator: ",")
    }
    let personID = "533123199704121626"
    let text = [lines[0],
                row(["dispatch_id": "M1", "person_id": personID, "person_id_number": "533123199003152016"]),
                row(["dispatch_id": "M2", "person_id": personID, "person_id_number": "533123198507221025"]),
                row(["dispatch_id": "M3", "person_id": "P-M3", "person_id_number": "53312319900315\u{1}016"])].joined(separator: "\n") + "\n"
    let path = try write(text, to: dir, "pii.csv")
    for lang in ["zh", "en"] {
      let run = try runBatch(path, asOf: "2024-12-31", ["--lang", lang], in: dir, name: lang)
      #expect(run.rejects.count == 2, "\(run.rejectsText)")
      for number in [personID, "53312319900315"] {
        #expect(!run.rejectsText.contains(number), "\(lang): `\(number)` unmasked in\n\(run.rejectsText)")
      }
    }
  }
}
