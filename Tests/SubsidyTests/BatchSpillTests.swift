import Foundation
import Testing

/// Past `--memory`, the state that spans rows (dispatch ids, the one-person-one-ID-number registry,
/// the best claim per limit, group aggregates) moves to a temporary database. Whether it spilled must
/// not change a single byte of what the batch writes, nor what it commits.
@Suite struct BatchSpillTests {
  /// The files each test runs: a generated one, and one whose group rules have much to merge.
  static let files = ["generated", "groups", "entities"]

  private func file(_ kind: String, in dir: URL) throws -> String {
    switch kind {
    case "groups": try groupFile(in: dir)
    case "entities": try entityFile(in: dir)
    default: try file(in: dir)
    }
  }

  /// Every worker a returning migrant starting a business: each 湘西 person has results of their own
  /// (第十九条), judged once however many rows and chunks the person appears in.
  private func entityFile(in dir: URL) throws -> String {
    let generated = try generateBatch(rows: 3_000, seed: 47, in: dir)
    let lines = [generated.header + ["person_returning_migrant", "person_starting_business"]]
      + generated.records.map { $0 + ["true", "true"] }
    let path = dir.appendingPathComponent("spill-entities.csv").path
    try lines.map { $0.joined(separator: ",") }.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// 三都's group rules with state spread over the file: three lead entrepreneurs' workers (30, 29 and
  /// 100 distinct, each with one worker placed twice) through generated rows, a household met in two
  /// income years far apart (its once-only reward is a limit between two groups), a lead's row repeated
  /// (its share is taken back from the aggregate) and a worker's row whose group key holds a
  /// non-ASCII id.
  private func groupFile(in dir: URL) throws -> String {
    var scenario: [BatchRow] = []
    let leads = [BatchGroupTests.rows(leader: "SD-L-PAN", workers: 30, sequenceBase: 100),
                 BatchGroupTests.rows(leader: "SD-L-WEI", workers: 29, sequenceBase: 300),
                 BatchGroupTests.rows(leader: "SD-L-蒙", workers: 100, sequenceBase: 500)]
    for i in 0..<leads[2].count {
      for group in leads where i < group.count { scenario.append(group[i]) }
    }
    for (n, year) in [(0, "2020"), (1, "2021")] {
      var row = BatchGroupTests.rows(leader: "SD-L-HH\(n)", workers: 1, sequenceBase: 700 + n)[0]
      row["household_id"] = "SD-H-TWICE"
      row["household_members"] = "2"
      row["household_labor_income"] = "12000"
      row["household_income_year"] = year
      scenario.insert(row, at: n == 0 ? 0 : scenario.count)
    }
    scenario.append(leads[0][5])
    let padding = try generateBatch(rows: 2_000, seed: 43, in: dir, badRate: "0.01")
    let lines = [TestCSV.line(BatchFixtures.columns)] + BatchGroupTests.interleave(scenario, padding.records)
    return try write(lines.joined(separator: "\n") + "\n", to: dir, "spill-groups.csv")
  }

  /// A generated file with bad rows, plus rows that repeat a dispatch id and give a person a second
  /// ID number far from the first, so every registry has something to refuse after it spilled.
  private func file(in dir: URL) throws -> String {
    let generated = try generateBatch(rows: 3_000, seed: 41, in: dir, badRate: "0.02")
    let header = generated.header
    let id = try #require(header.firstIndex(of: "dispatch_id"))
    let number = try #require(header.firstIndex(of: "person_id_number"))
    var lines = [header] + generated.records
    // The 10th row again, at the end: a repeated dispatch id.
    lines.append(generated.records[10])
    // The 20th row's person, under a new dispatch id, with the 30th row's ID number.
    var other = generated.records[20]
    other[id] = "SPILL-1"
    other[number] = generated.records[30][number]
    lines.append(other)
    // A new person with the 40th row's ID number: the reject names the line of the number's holder,
    // looked up on disk once the registry has spilled.
    let person = try #require(header.firstIndex(of: "person_id"))
    var newcomer = generated.records[40]
    newcomer[id] = "SPILL-2"
    newcomer[person] = "SPILL-P2"
    lines.append(newcomer)
    let path = dir.appendingPathComponent("spill.csv").path
    try lines.map { $0.joined(separator: ",") }.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test(arguments: Self.files) func spillingWritesTheSameFiles(_ kind: String) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try file(kind, in: dir)
    let options = ["--chunk-rows", "200", "--threads", "2"]
    let held = try runBatch(path, asOf: "2025-06-30", options, in: dir, name: "held")
    let spilled = try runBatch(path, asOf: "2025-06-30", options + ["--memory", "0"], in: dir, name: "spilled")
    #expect(held.status == 0 && spilled.status == 0, "\(held.stderr)\(spilled.stderr)")
    #expect(held.payouts.count > 300)
    #expect(held.rejectsText.contains("repeats the dispatch id") || kind == "entities", "the file should repeat a dispatch id")
    if kind == "groups" {
      let leads = held.payouts(rule: "lead-entrepreneur-reward").filter { $0["status"] == "payable" }
      #expect(leads.map { $0["payee"] ?? "" }.sorted() == ["SD-L-PAN", "SD-L-蒙"], "\(leads)")
      #expect(leads.map { $0["amount"] ?? "" }.sorted() == ["10000.00", "20000.00"])
      let household = held.payouts(rule: "household-labor-income-reward")
      #expect(household.count > 20)
      #expect(household.filter { $0["beneficiary"] == "SD-H-TWICE" }.map { $0["subject"] ?? "" } == ["SD-H-TWICE/2020"],
              "paid once, for the first year: \(household.filter { $0["beneficiary"] == "SD-H-TWICE" })")
    } else if kind == "entities" {
      let loans = held.payouts(rule: "returning-migrant-startup-loan")
      #expect(loans.count > 100)
      #expect(Set(loans.map { $0["subject"] ?? "" }).count == loans.count, "a person judged twice")
    } else {
      #expect(held.rejectsText.contains("has another ID number on line"), "the file should give a person a second ID number")
      #expect(held.rejectsText.contains("is the ID number of another person on line 42"), "\(held.rejectsText.suffix(400))")
    }
    #expect(held.payouts.contains { ["payable", "missing_evidence"].contains($0["status"]) && !($0["beneficiary"] ?? "").isEmpty })
    #expect(spilled.payoutsText == held.payoutsText)
    #expect(spilled.rejectsText == held.rejectsText)
    func summary(_ run: BatchRun) -> String {
      (run.stdout + run.stderr).split(separator: "\n").filter { !$0.hasPrefix("time ") }.joined(separator: "\n")
    }
    #expect(summary(spilled) == summary(held))
  }

  @Test(arguments: Self.files) func spillingCommitsTheSamePayments(_ kind: String) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try file(kind, in: dir)
    var listed: [String] = []
    for (name, memory) in [("held", "128"), ("spilled", "0")] {
      let ledger = dir.appendingPathComponent("\(name).sqlite").path
      // Small chunks: a spilled state is merged on disk many times over.
      let run = try runBatch(path, asOf: "2025-06-30", ["--memory", memory, "--chunk-rows", "200", "--ledger", ledger, "--commit", "--batch-id", "B1"],
                             in: dir, name: name)
      #expect(run.status == 0, "\(run.stderr)")
      let list = try runCLI(["ledger", "list", "--ledger", ledger, "--format", "csv"])
      #expect(list.status == 0, "\(list.stderr)")
      listed.append(list.stdout.split(separator: "\n").map { line in
        // The recording time differs between the runs; everything else must not.
        line.split(separator: ",", omittingEmptySubsequences: false).filter { !$0.contains("T") || !$0.contains(":") }.joined(separator: ",")
      }.joined(separator: "\n"))
    }
    #expect(listed[0].split(separator: "\n").count > 100)
    #expect(listed[0] == listed[1])
  }
}
