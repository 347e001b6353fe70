import Foundation
import PolicyValues
import Testing

/// `subsidy batch --explain FILE`: why each payouts row pays what it does, one JSON line per row in the
/// same order, with the checks in the reader's words; it changes nothing paid, follows the ledger's
/// statuses and masks ID numbers as the payouts do.
@Suite struct BatchExplainTests {
  /// The explanations file's lines as objects.
  static func lines(_ path: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
    }
  }

  static func words(_ line: [String: Any]) -> [String: Any]? { (line["result"] as? [String: Any])?["words"] as? [String: Any] }
  static func checks(_ line: [String: Any]) -> [[String: Any]] { words(line)?["checks"] as? [[String: Any]] ?? [] }
  static func hasChinese(_ s: String) -> Bool { s.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }

  @Test func everyPayoutsRowHasItsExplanationInOrder() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let generated = try generateBatch(rows: 1_500, seed: 7, in: dir)
    let explained = dir.appendingPathComponent("explained.jsonl").path
    let run = try runBatch(generated.path, asOf: "2025-06-30", ["--explain", explained, "--lang", "zh"], in: dir, name: "explained")
    #expect(run.status == 0, "\(run.stderr)")
    let plain = try runBatch(generated.path, asOf: "2025-06-30", in: dir, name: "plain")
    #expect(run.payoutsText == plain.payoutsText, "explaining changed the payouts")
    let lines = try Self.lines(explained)
    #expect(lines.count == run.payouts.count && lines.count > 100, "\(lines.count) explanations for \(run.payouts.count) payouts")
    var payable = 0
    for (i, line) in lines.enumerated() where i < run.payouts.count {
      let payout = run.payouts[i], result = line["result"] as? [String: Any]
      #expect(line["row"] as? Int == i + 1)
      #expect(line["status"] as? String == payout["status"], "row \(i + 1)")
      #expect(result?["rule"] as? String == payout["rule"] && result?["subject"] as? String == payout["subject"], "row \(i + 1) explains another result")
      #expect(result?["amount"] as? String ?? "" == payout["amount"], "row \(i + 1)")
      let checks = Self.checks(line)
      #expect(checks.count == (result?["explanation"] as? [Any])?.count ?? -1, "row \(i + 1): a check without words")
      for check in checks { #expect(Self.hasChinese(check["text"] as? String ?? ""), "row \(i + 1): \(check)") }
      if payout["status"] == "payable" {
        payable += 1
        #expect(!checks.isEmpty && checks.allSatisfy { $0["holds"] as? Bool == true }, "a payable row with a check that fails: \(checks)")
        #expect(Self.words(line)?["clause_text"] as? String != nil, "row \(i + 1) names no clause")
      }
    }
    #expect(payable > 20)
    // However the file is cut into chunks and spread over threads, the same explanations.
    let chunked = dir.appendingPathComponent("chunked.jsonl").path
    let again = try runBatch(generated.path, asOf: "2025-06-30", ["--explain", chunked, "--lang", "zh", "--chunk-rows", "97", "--threads", "1"],
                             in: dir, name: "chunked")
    #expect(again.payoutsText == run.payoutsText)
    #expect(try String(contentsOfFile: chunked, encoding: .utf8) == String(contentsOfFile: explained, encoding: .utf8))
  }

  @Test func theWordsFollowLang() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let english = dir.appendingPathComponent("en.jsonl").path
    let run = try runBatch(BatchFixtures.path("regions.csv"), asOf: "2024-12-31", ["--explain", english], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try Self.lines(english)
    #expect(lines.count == run.payouts.count && !lines.isEmpty)
    let texts = lines.flatMap(Self.checks).compactMap { $0["text"] as? String }
    #expect(texts.contains { $0.hasPrefix("needs: ") } && !texts.contains { $0.hasPrefix("须") }, "\(texts.prefix(5))")
  }

  /// Paid before: the explanation says `already_paid`, as the payouts row does, though the result was
  /// judged payable on the worker before the ledger was asked.
  @Test func theStatusIsTheLedgersAsInThePayouts() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let ledger = dir.appendingPathComponent("ledger.sqlite").path
    let first = try runBatch(BatchFixtures.path("regions.csv"), asOf: "2024-12-31", ["--commit", "--ledger", ledger], in: dir, name: "first")
    #expect(first.status == 0 && first.ledgerCounts.committed > 0, "\(first.stderr)\(first.stdout)")
    let explained = dir.appendingPathComponent("again.jsonl").path
    let again = try runBatch(BatchFixtures.path("regions.csv"), asOf: "2024-12-31", ["--ledger", ledger, "--explain", explained], in: dir, name: "again")
    let lines = try Self.lines(explained)
    #expect(lines.count == again.payouts.count)
    #expect(again.payouts.contains { $0["status"] == "already_paid" })
    for (i, line) in lines.enumerated() where i < again.payouts.count {
      #expect(line["status"] as? String == again.payouts[i]["status"], "row \(i + 1)")
      if again.payouts[i]["status"] == "already_paid" { #expect((line["result"] as? [String: Any])?["status"] as? String == "payable") }
    }
  }

  /// A person id that is itself an ID number is masked in the explanations, as in the payouts, unless
  /// `--show-pii`.
  @Test func idNumbersAreMaskedUnlessShowPII() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let id = BatchFixtures.idNumber("533123", born: "1984-09-15", sequence: 318)
    let text = try BatchFixtures.text("pii.csv").replacingOccurrences(of: ",YJ-P501,", with: ",\(id),")
    let file = try write(text, to: dir, "pii-ids.csv")
    let masked = dir.appendingPathComponent("masked.jsonl").path
    let run = try runBatch(file, asOf: "2024-12-31", ["--explain", masked], in: dir, name: "masked")
    #expect(run.status == 0, "\(run.stderr)")
    let maskedText = try String(contentsOfFile: masked, encoding: .utf8)
    #expect(maskedText.contains("533123********") && !maskedText.contains(id), "the ID number in the clear:\n\(maskedText.prefix(400))")
    let shown = dir.appendingPathComponent("shown.jsonl").path
    _ = try runBatch(file, asOf: "2024-12-31", ["--explain", shown, "--show-pii"], in: dir, name: "shown")
    #expect(try String(contentsOfFile: shown, encoding: .utf8).contains(id), "--show-pii hides the ID number")
  }

  @Test func theExplanationsMayNotReplaceTheInput() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try write(try BatchFixtures.text("regions.csv"), to: dir, "regions.csv")
    let before = try String(contentsOfFile: file, encoding: .utf8)
    let run = try runBatch(file, asOf: "2024-12-31", ["--explain", file], in: dir)
    #expect(run.status != 0)
    #expect(run.stderr.contains("`--explain` are the same file") || run.stderr.contains("and --explain are the same file"), "\(run.stderr)")
    #expect(try String(contentsOfFile: file, encoding: .utf8) == before)
  }
}

/// A field a region marks `pii: true` (here a phone number, added to a copy of the policies) is masked
/// in the explanations as `subsidy eval --format json` masks it: the value a check read and the words
/// that quote it. The ledger's copy is the contract JSON as evaluated, unchanged by `--explain`.
@Suite struct BatchExplainPIITests {
  @Test func aPIIFieldIsMaskedInTheResultAndItsWords() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let policies = dir.appendingPathComponent("policies")
    try FileManager.default.copyItem(atPath: Paths.policies, toPath: policies.path)
    let schema = policies.appendingPathComponent("xiangxi.schema.yaml")
    try (try String(contentsOf: schema, encoding: .utf8) + "      phone: {type: string, pii: true, label: {zh: 电话, en: phone}}\n")
      .write(to: schema, atomically: true, encoding: .utf8)
    let yingjiang = policies.appendingPathComponent("yingjiang.yaml")
    let rules = try String(contentsOf: yingjiang, encoding: .utf8)
    #expect(rules.contains("      - dispatch.organized\n"))
    try rules.replacingOccurrences(of: "      - dispatch.organized\n", with: "      - dispatch.organized\n      - person.phone != \"0\"\n", options: [], range: rules.range(of: "      - dispatch.organized\n"))
      .write(to: yingjiang, atomically: true, encoding: .utf8)
    let generated = try generateBatch(rows: 400, seed: 3, in: dir)
    let phone = "13912345678"
    let csv = ([generated.header + ["person_phone"]] + generated.records.map { $0 + [phone] }).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    let file = try write(csv, to: dir, "phones.csv")
    let masked = dir.appendingPathComponent("masked.jsonl").path
    let ledger = dir.appendingPathComponent("ledger.sqlite").path
    let run = try runBatch(file, asOf: "2025-06-30", ["--policies", policies.path, "--explain", masked, "--commit", "--ledger", ledger], in: dir, name: "masked")
    #expect(run.status == 0, "\(run.stderr)")
    let text = try String(contentsOfFile: masked, encoding: .utf8)
    #expect(text.contains("\"text\":\"needs: worker phone is not 0 (saw: worker phone is \(PIIMask.masked(phone)))\""), "the phone check's words")
    #expect(text.contains("\"value\":\"\(PIIMask.masked(phone))\""), "the value the check read")
    #expect(!text.contains(phone), "the phone number in the clear: \(text.split(separator: "\n").first { $0.contains(phone) } ?? "")")
    #expect(text.contains(PIIMask.masked(phone)))
    // The ledger keeps the result as evaluated, without words, as a commit without --explain does.
    let list = try runCLI(["ledger", "list", "--ledger", ledger, "--format", "json", "--show-pii"], in: dir)
    #expect(list.stdout.contains(phone) && !list.stdout.contains("\\\"words\\\"") && !list.stdout.contains("\"words\""), "\(list.stdout.prefix(600))")
  }
}
