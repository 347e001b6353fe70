import Foundation
import Testing

/// 三都 带头能人奖励: an aggregate over many rows (distinct 三都 workers a lead entrepreneur organised
/// out of the county in a calendar year), counted across the whole file.
@Suite struct BatchGroupTests {
  static let asOf = "2024-06-30"
  static let surnames = ["潘", "韦", "蒙", "石", "吴", "陆", "杨", "王", "莫", "姚"]
  static let given = ["秀英", "光辉", "春燕", "国强", "玉兰", "文斌", "金花", "志明", "小红", "德富", "美芬", "永福"]
  /// Workplaces outside 三都: 都匀 (in prefecture), 贵阳 (in province), 深圳, 义乌, 福安 (other provinces).
  static let destinations = ["522701", "520111", "440306", "330782", "350981"]

  /// `workers` distinct registered-poor 三都 workers organised by `leader` in 2023; the first is placed twice.
  /// Each leader's workers get their own ID-number sequences (`sequenceBase`): an ID number identifies
  /// one person, and a batch rejects the same number under a second person id.
  static func rows(leader: String, workers: Int, sequenceBase: Int) -> [BatchRow] {
    var out: [BatchRow] = []
    for n in 0..<workers {
      let person = "\(leader)-P\(String(format: "%03d", n + 1))"
      let placements = n == 0 ? 2 : 1
      for k in 0..<placements {
        let month = (n % 12) + 1
        // The repeat placement follows the first within 2023, and both vest in 2023.
        let start = k == 0 ? String(format: "2023-%02d-%02d", month, (n % 27) + 1) : "2023-08-05"
        let destination = destinations[(n + k) % destinations.count]
        out.append(BatchRow([
          "dispatch_id": "\(person)-D\(k + 1)", "person_id": person,
          "person_name": surnames[n % surnames.count] + given[(n / surnames.count + n) % given.count],
          "person_id_number": BatchFixtures.idNumber("522732", born: String(format: "19%02d-%02d-%02d", 70 + n % 30, month, (n % 28) + 1), sequence: sequenceBase + n),
          "person_hukou": "522732", "person_poverty_status": "registered_poor",
          "person_relocated": n % 7 == 0 ? "true" : "false", "person_post_school_youth": "false",
          "organizer_id": leader, "organizer_kind": "lead_entrepreneur", "organizer_location": "522732",
          "organizer_licensed": "false", "organizer_hr_license": "false",
          "employer_id": "E\(destination)-G", "employer_kind": "enterprise", "employer_location": destination,
          "destination": destination, "organized": "true", "start": start, "end": placements == 2 && k == 0 ? "2023-07-31" : "",
          "contract": "true", "contract_months": "12", "social_insurance": "true", "follow_up": "true",
          "transport_cost": "300.00", "evidence": "organized_export_roster;employment_proof",
        ]))
      }
    }
    return out
  }

  /// Spreads `scenario` rows evenly through `padding`, so each leader's rows fall in many chunks.
  static func interleave(_ scenario: [BatchRow], _ padding: [[String]]) -> [String] {
    var lines: [String] = []
    let step = max(1, padding.count / max(1, scenario.count))
    var p = 0
    for row in scenario {
      let end = min(padding.count, p + step)
      lines += padding[p..<end].map(TestCSV.line)
      p = end
      lines.append(row.csv())
    }
    lines += padding[p...].map(TestCSV.line)
    return lines
  }

  @Test func leadEntrepreneurRewardCountsDistinctWorkersAcrossTheFile() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 潘: 30 distinct (31 placements); 韦: 29 distinct (30 placements); 蒙: 100 distinct (101 placements).
    let tier1 = Self.rows(leader: "SD-L-PAN", workers: 30, sequenceBase: 100)
    let below = Self.rows(leader: "SD-L-WEI", workers: 29, sequenceBase: 300)
    let tier2 = Self.rows(leader: "SD-L-MENG", workers: 100, sequenceBase: 500)
    #expect(tier1.count == 31 && below.count == 30 && tier2.count == 101)
    // Round-robin the three leaders' rows, then spread them through generated rows.
    var scenario: [BatchRow] = []
    for i in 0..<tier2.count {
      for group in [tier1, below, tier2] where i < group.count { scenario.append(group[i]) }
    }
    let padding = try generateBatch(rows: 1_500, seed: 17, in: dir)
    let lines = [TestCSV.line(BatchFixtures.columns)] + Self.interleave(scenario, padding.records)
    let file = try write(lines.joined(separator: "\n") + "\n", to: dir, "sandu-leads.csv")

    var outputs: [[String]] = []
    for (chunk, threads) in [("7", "2"), ("100000", "1")] {
      let run = try runBatch(file, asOf: Self.asOf, ["--chunk-rows", chunk, "--threads", threads], in: dir, name: "c\(chunk)")
      #expect(run.status == 0, "\(run.stderr)")
      let rewards = run.payouts(rule: "lead-entrepreneur-reward")
      func reward(_ leader: String) -> [[String: String]] { rewards.filter { $0["payee"] == leader } }
      #expect(reward("SD-L-PAN").count == 1, "--chunk-rows \(chunk): \(reward("SD-L-PAN"))")
      #expect(reward("SD-L-PAN").first?["amount"] == "10000.00", "--chunk-rows \(chunk): \(reward("SD-L-PAN"))")
      #expect(reward("SD-L-PAN").first?["status"] == "payable")
      #expect(reward("SD-L-WEI").allSatisfy { $0["status"] != "payable" }, "29 distinct workers is below 30: \(reward("SD-L-WEI"))")
      #expect(reward("SD-L-MENG").count == 1, "--chunk-rows \(chunk): \(reward("SD-L-MENG"))")
      #expect(reward("SD-L-MENG").first?["amount"] == "20000.00", "--chunk-rows \(chunk): \(reward("SD-L-MENG"))")
      #expect(reward("SD-L-MENG").first?["status"] == "payable")
      #expect(reward("SD-L-MENG").first?["beneficiary"] == "SD-L-MENG")
      // The per-worker 200 subsidy is still once per worker per year: the twice-placed workers get one.
      for leader in ["SD-L-PAN", "SD-L-WEI", "SD-L-MENG"] {
        let twice = run.payouts.filter {
          $0["rule"] == "organizing-follow-up-subsidy" && $0["beneficiary"] == "\(leader)-P001" && $0["status"] == "payable"
        }
        #expect(twice.count == 1, "\(leader)-P001: \(twice)")
      }
      outputs.append(run.payoutLines.sorted())
    }
    #expect(outputs[0] == outputs[1], "group results depend on chunking")
  }

  /// A row rejected at the merge for repeating an earlier chunk's dispatch id does not count toward
  /// the aggregate either: its chunk's groups are computed again, as it was a member. (Rows rejected
  /// so that were no group's members leave their chunk's groups as they are.)
  @Test(arguments: ["7", "100000"]) func aRowRepeatingAnEarlierDispatchIDDoesNotCount(_ chunk: String) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var pan = Self.rows(leader: "SD-L-PAN", workers: 30, sequenceBase: 100)
    let padding = try generateBatch(rows: 200, seed: 23, in: dir)
    // The last worker's only row reuses the dispatch id of a generated row near the top (no group's member).
    let header = BatchFixtures.columns
    let idColumn = try #require(padding.header.firstIndex(of: "dispatch_id"))
    let taken = try #require(padding.records.first?[idColumn])
    pan[pan.count - 1]["dispatch_id"] = taken
    // And a generated row's id comes back at the end: rejected, a member of no group.
    let again = try #require(padding.records.dropFirst(3).first)
    let lines = [TestCSV.line(header)] + Self.interleave(pan, padding.records) + [TestCSV.line(again)]
    let file = try write(lines.joined(separator: "\n") + "\n", to: dir, "sandu-repeat.csv")
    let run = try runBatch(file, asOf: Self.asOf, ["--chunk-rows", chunk], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.rejects.filter { ($0["reason"] ?? "").contains("repeats") }.count == 2, "\(run.rejectsText)")
    let reward = run.payouts(rule: "lead-entrepreneur-reward").filter { $0["payee"] == "SD-L-PAN" }
    #expect(reward.allSatisfy { $0["status"] != "payable" }, "--chunk-rows \(chunk): 29 people, yet \(reward)")
  }

  /// JSON Lines get the file-wide repeated-dispatch check too (each line's dispatches, with their
  /// line), and a rejected one is taken out of the groups: 30 lines for 30 workers, the last repeating
  /// the first line's dispatch id, leave the leader at 29 (below the tier), however the lines are chunked.
  @Test(arguments: ["16", "100000"]) func jsonLinesRepeatingADispatchIDAreRejectedAndDoNotCount(_ chunk: String) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    func line(_ n: Int, dispatch: String) -> String {
      let person = String(format: "JL-P%03d", n)
      return #"{"people":[{"id":"\#(person)","hukou":"522732","poverty_status":"registered_poor"}],"#
        + #""organizations":[{"id":"JL-LEAD","kind":"lead_entrepreneur","location":"522732"}],"#
        + #""dispatches":[{"id":"\#(dispatch)","person":"\#(person)","organizer":"JL-LEAD","destination":"440306","organized":true,"start":"2023-03-01"}]}"#
    }
    var lines = (1...29).map { line($0, dispatch: "JL-D\($0)") }
    lines.append(line(30, dispatch: "JL-D1"))
    let file = try write(lines.joined(separator: "\n") + "\n", to: dir, "leads.jsonl")
    let run = try runBatch(file, asOf: Self.asOf, ["--chunk-rows", chunk], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let reject = run.rejects.first { $0["line"] == "30" }
    #expect(reject?["reason"]?.contains("repeats the dispatch id of line 1") == true, "\(run.rejectsText)")
    #expect(!run.payouts.contains { $0["subject"] == "JL-D1" && $0["beneficiary"] == "JL-P030" }, "the repeated dispatch was paid")
    #expect(run.rowsRead == 30 && run.rowsRejected == 1, "\(run.stdout)")
    let reward = run.payouts(rule: "lead-entrepreneur-reward").filter { $0["payee"] == "JL-LEAD" }
    #expect(reward.allSatisfy { $0["status"] != "payable" }, "--chunk-rows \(chunk): 29 workers, yet \(reward)")
  }

  /// A row rejected at the merge (its ID number belongs to a worker of another row) does not count
  /// toward the aggregate: 30 rows but 29 people leave the leader below the 30-worker tier.
  @Test(arguments: ["7", "100000"]) func aRowRejectedForAnotherPersonsIDNumberDoesNotCount(_ chunk: String) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var pan = Self.rows(leader: "SD-L-PAN", workers: 30, sequenceBase: 100)
    let other = Self.rows(leader: "SD-L-WEI", workers: 1, sequenceBase: 300)
    pan[pan.count - 1]["person_id_number"] = other[0]["person_id_number"]
    let padding = try generateBatch(rows: 200, seed: 19, in: dir)
    let lines = [TestCSV.line(BatchFixtures.columns), other[0].csv()] + Self.interleave(pan, padding.records)
    let file = try write(lines.joined(separator: "\n") + "\n", to: dir, "sandu-conflict.csv")
    let run = try runBatch(file, asOf: Self.asOf, ["--chunk-rows", chunk], in: dir)
    #expect(run.rejects.contains { $0["column"] == "person_id_number" && ($0["reason"] ?? "").contains("line 2") }, "\(run.rejectsText)")
    let reward = run.payouts(rule: "lead-entrepreneur-reward").filter { $0["payee"] == "SD-L-PAN" }
    #expect(reward.allSatisfy { $0["status"] != "payable" }, "--chunk-rows \(chunk): 29 people, yet \(reward)")
  }
}
