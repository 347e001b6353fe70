import Foundation
import Testing

/// A person who appears with two ID numbers is judged row by row in file order, the first accepted
/// claim winning, whatever `--chunk-rows` and `--threads` are (issue 9). Within a chunk, a row giving
/// a person another number is not rejected by the decoder: whether the earlier row's claim stands is
/// known only at the merge (its number may be another's, its dispatch id a repeat, a ledger may
/// refuse it), so the row begins a record of its own and is judged there, as a row of another chunk is.
@Suite struct BatchIdentityChunkingTests {
  static let asOf = "2025-06-30"
  static let n0 = BatchFixtures.idNumber("433125", born: "1970-01-01", sequence: 111)
  static let n1 = BatchFixtures.idNumber("433125", born: "1990-02-17", sequence: 303)
  static let n2 = BatchFixtures.idNumber("433125", born: "1985-09-09", sequence: 404)

  /// The contract's 30 columns, or those and 湘西's two person columns, which make every person the
  /// subject of two results of its own (第十九条's loan, undetermined): so a person's results, not only
  /// its rows', must come out the same however the file is cut.
  static let withPersonRules = BatchFixtures.columns + ["person_returning_migrant", "person_starting_business"]

  static func row(_ dispatch: String, _ person: String, _ number: String) -> BatchRow {
    var row = BatchIdentityTests.row(dispatch, person: person, idNumber: number)
    row["person_returning_migrant"] = "true"
    row["person_starting_business"] = "true"
    return row
  }

  static let chunkings: [[String]] = [1, 2, 3, 4096].flatMap { rows in
    [["--chunk-rows", String(rows), "--threads", "1"], ["--chunk-rows", String(rows), "--threads", "2"]]
  }

  /// Runs the file in every chunking; requires byte-identical payouts and rejects, and returns one run.
  static func runEveryChunking(_ path: String, in dir: URL, chunkings: [[String]] = chunkings,
                               sourceLocation: SourceLocation = #_sourceLocation) throws -> BatchRun {
    var first: (options: [String], run: BatchRun)?
    for options in chunkings {
      let run = try runBatch(path, asOf: asOf, options, in: dir, name: options.joined(separator: "_"))
      #expect(run.status == 0, "\(options): \(run.stderr)", sourceLocation: sourceLocation)
      if let (reference, expected) = first {
        #expect(run.payoutsText == expected.payoutsText, "payouts of \(options) differ from \(reference)", sourceLocation: sourceLocation)
        #expect(run.rejectsText == expected.rejectsText,
                "rejects of \(options) differ from \(reference):\n\(run.rejectsText)\nwere:\n\(expected.rejectsText)", sourceLocation: sourceLocation)
        #expect(run.summaryNumbers.map { [$0.0, $0.1, $0.2] } == expected.summaryNumbers.map { [$0.0, $0.1, $0.2] },
                "\(options): \(run.stdout)", sourceLocation: sourceLocation)
      } else {
        first = (options, run)
      }
    }
    return try #require(first?.run)
  }

  static func csv(_ rows: [BatchRow], columns: [String], in dir: URL) throws -> String {
    try write(([TestCSV.line(columns)] + rows.map { $0.csv(columns) }).joined(separator: "\n") + "\n", to: dir, "conflict.csv")
  }

  /// Line 2: P0 with N1. Line 3: P1 with N1 (P0's number). Line 4: P1 with N2. Line 3 is rejected as
  /// another person's number; P1 was never accepted with N1, so line 4 is P1's first accepted claim:
  /// accepted and paid. (Before, lines 3 and 4 in one chunk were both rejected.)
  @Test(arguments: [BatchFixtures.columns, withPersonRules])
  func aRowWhoseFirstNumberIsAnothersDoesNotStopTheNext(_ columns: [String]) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.csv([Self.row("D0", "P0", Self.n1), Self.row("D1", "P1", Self.n1), Self.row("D2", "P1", Self.n2)], columns: columns, in: dir)
    let run = try Self.runEveryChunking(path, in: dir)
    #expect(run.rejects.count == 1, "\(run.rejectsText)")
    let three = run.rejects.first { $0["line"] == "3" }
    #expect(three?["column"] == "person_id_number", "\(run.rejectsText)")
    #expect(three?["reason"]?.contains("is the ID number of another person on line 2") == true, "\(run.rejectsText)")
    #expect(!run.rejects.contains { $0["line"] == "4" }, "line 4 is P1's first accepted claim: \(run.rejectsText)")
    #expect(run.payouts.contains { $0["subject"] == "D2" && $0["rule"] == "transport-subsidy" && $0["status"] == "payable" }, "\(run.payoutsText)")
    #expect(!run.payouts.contains { $0["subject"] == "D1" })
    #expect(run.summaryNumbers.map { [$0.0, $0.1, $0.2] } == [3, 2, 1], "\(run.stdout)")
    if columns == Self.withPersonRules {
      // P1's own results come from line 4's record, once.
      #expect(run.payouts.filter { $0["subject"] == "P1" }.count == 2, "\(run.payoutsText)")
    }
  }

  /// Line 2: D1 for P0. Line 3: D1 again (a repeat), P1 with N1. Line 4: D2, P1 with N2. Line 3 is
  /// rejected as a repeat, so its claim is never judged; line 4 is P1's first claim: accepted.
  @Test(arguments: [BatchFixtures.columns, withPersonRules])
  func aRowRejectedAsARepeatDoesNotStopTheNextNumber(_ columns: [String]) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.csv([Self.row("D1", "P0", Self.n0), Self.row("D1", "P1", Self.n1), Self.row("D2", "P1", Self.n2)], columns: columns, in: dir)
    let run = try Self.runEveryChunking(path, in: dir)
    #expect(run.rejects.count == 1, "\(run.rejectsText)")
    let three = run.rejects.first { $0["line"] == "3" }
    #expect(three?["column"] == "dispatch_id" && three?["reason"] == "repeats the dispatch id of line 2", "\(run.rejectsText)")
    #expect(run.payouts.contains { $0["subject"] == "D2" && $0["rule"] == "transport-subsidy" && $0["status"] == "payable" }, "\(run.payoutsText)")
    if columns == Self.withPersonRules {
      #expect(run.payouts.filter { $0["subject"] == "P1" }.count == 2, "\(run.payoutsText)")
    }
  }

  /// Rows of one person alternate between numbers: each is judged in file order, so once line 4 has
  /// given P1 N2, line 5's N1 is "another ID number on line 4" (not "another person's", which line 3
  /// was told), and a later row repeating line 3's rejected claim after a repeat is judged at its own row.
  @Test func numbersThatComeBackAreJudgedRowByRow() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rows = [
      Self.row("D0", "P0", Self.n1),  // 2: accepted
      Self.row("D1", "P1", Self.n1),  // 3: P0's number
      Self.row("D2", "P1", Self.n2),  // 4: accepted, P1's number from now on
      Self.row("D3", "P1", Self.n1),  // 5: P1 has N2 (line 4)
      Self.row("D4", "P1", Self.n2),  // 6: accepted
      Self.row("D0", "P2", Self.n0),  // 7: repeats D0
      Self.row("D5", "P3", Self.n0),  // 8: N0 is not P2's: line 7 was never accepted
      Self.row("D6", "P2", Self.n0),  // 9: P3's number (line 8)
    ]
    let path = try Self.csv(rows, columns: Self.withPersonRules, in: dir)
    let run = try Self.runEveryChunking(path, in: dir)
    func reason(_ line: Int) -> String? { run.rejects.first { $0["line"] == String(line) }?["reason"] }
    #expect(reason(3)?.contains("is the ID number of another person on line 2") == true, "\(run.rejectsText)")
    #expect(reason(5)?.contains("`P1` has another ID number on line 4") == true, "\(run.rejectsText)")
    #expect(reason(7) == "repeats the dispatch id of line 2", "\(run.rejectsText)")
    #expect(reason(9)?.contains("is the ID number of another person on line 8") == true, "\(run.rejectsText)")
    #expect(run.rejects.count == 4, "\(run.rejectsText)")
    // The transport subsidy is once per person: P1's on line 4, not again on line 6 (which is accepted).
    let paid = Set(run.payouts.filter { $0["rule"] == "transport-subsidy" && $0["status"] == "payable" }.compactMap { $0["subject"] })
    #expect(paid == ["D0", "D2", "D5"], "\(run.payoutsText)")
    #expect(run.payouts.filter { $0["subject"] == "P1" }.count == 2, "P1's own results, once: \(run.payoutsText)")
  }

  /// JSON Lines, one line a chunk or all in one (`--chunk-rows` / 16 lines a chunk): each line's
  /// claim is judged in order, and a person's results are dropped with its own line's claim only.
  @Test func jsonLinesKeepTheAcceptedRecordsResults() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    func line(_ d: String, _ p: String, _ number: String) -> String {
      #"{"people":[{"id":"\#(p)","hukou":"433125","id_number":"\#(number)","poverty_status":"registered_poor","returning_migrant":true,"starting_business":true}],"# +
        #""dispatches":[{"id":"\#(d)","person":"\#(p)","destination":"440306","start":"2024-03-01","contract":true,"transport_cost":300}]}"#
    }
    let text = [line("J0", "JP0", Self.n1), line("J1", "JP1", Self.n1), line("J2", "JP1", Self.n2)].joined(separator: "\n") + "\n"
    let path = try write(text, to: dir, "facts.jsonl")
    let run = try Self.runEveryChunking(path, in: dir, chunkings: [16, 32, 48, 4096].map { ["--chunk-rows", String($0)] })
    #expect(run.rejects.count == 1 && run.rejects.first?["line"] == "2", "\(run.rejectsText)")
    #expect(run.rejects.first?["reason"]?.contains("is the ID number of another person on line 1") == true, "\(run.rejectsText)")
    #expect(run.payouts.filter { $0["subject"] == "JP1" }.count == 2, "line 3's person results were dropped with line 2's: \(run.payoutsText)")
    // No evidence in these lines: line 3's dispatch is judged (missing evidence), line 2's is not.
    #expect(run.payouts.contains { $0["subject"] == "J2" && $0["rule"] == "transport-subsidy" }, "\(run.payoutsText)")
    #expect(!run.payouts.contains { $0["subject"] == "J1" }, "\(run.payoutsText)")
  }

  /// A generated file with such conflicts injected near and far from the rows they conflict with: the
  /// payouts, rejects and counts are the same for every chunking and thread count.
  @Test(arguments: [5, 17])
  func generatedFilesWithInjectedConflictsDoNotDependOnChunking(_ seed: Int) throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let generated = try generateBatch(rows: 400, seed: seed, in: dir)
    let header = generated.header
    let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
    let (dispatch, person, number) = (try #require(column["dispatch_id"]), try #require(column["person_id"]), try #require(column["person_id_number"]))
    var rows = generated.records
    var random = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    func next(_ n: Int) -> Int {
      random ^= random << 13
      random ^= random >> 7
      random ^= random << 17
      return Int(random % UInt64(n))
    }
    func fresh(_ k: Int) -> String { BatchFixtures.idNumber("433125", born: "1980-01-01", sequence: k) }
    var injected = 0
    for k in 0..<40 {
      // A good row to conflict with: its person's number and its dispatch id.
      guard let source = (0..<20).lazy.map({ _ in next(rows.count) }).first(where: { rows[$0][dispatch].hasPrefix("D") && rows[$0][number].count == 18 })
      else { continue }
      let base = rows[source]
      func copy(_ d: String, _ p: String, _ n: String) -> [String] {
        var row = base
        row[dispatch] = d
        row[person] = p
        row[number] = n
        return row
      }
      let group: [[String]]
      switch k % 3 {
      case 0:
        // Another person's number, then the person's own, then the other's again.
        group = [copy("INJ-\(k)a", "INJ-P\(k)", base[number]), copy("INJ-\(k)b", "INJ-P\(k)", fresh(k)), copy("INJ-\(k)c", "INJ-P\(k)", base[number])]
      case 1:
        // A repeated dispatch id with one number, then another number.
        group = [copy(base[dispatch], "INJ-P\(k)", fresh(k)), copy("INJ-\(k)b", "INJ-P\(k)", fresh(k + 500))]
      default:
        // The source's own person with a second number, then with its own again.
        group = [copy("INJ-\(k)a", base[person], fresh(k)), copy("INJ-\(k)b", base[person], base[number])]
      }
      // After the source, each row a few rows after the last (within a chunk or across one).
      var at = min(rows.count, source + 1 + next(12))
      for row in group {
        rows.insert(row, at: at)
        at = min(rows.count, at + 1 + next(4))
        injected += 1
      }
    }
    #expect(injected > 60)
    let path = try write(([header] + rows).map(TestCSV.line).joined(separator: "\n") + "\n", to: dir, "injected.csv")
    let chunkings = [1, 2, 3, 7, 64, 4096].flatMap { n in [["--chunk-rows", String(n), "--threads", "1"], ["--chunk-rows", String(n), "--threads", "2"]] }
    let run = try Self.runEveryChunking(path, in: dir, chunkings: chunkings)
    #expect(run.rejectsText.contains("has another ID number on line"), "\(run.rejectsText)")
    #expect(run.rejectsText.contains("is the ID number of another person on line"))
    #expect(run.rejectsText.contains("repeats the dispatch id of line"))
  }

  /// A person first named without an ID number, then given another person's number on a later row:
  /// the later row's number is checked, in one chunk as across two (before, within a chunk the record
  /// kept "no number", made no claim, and the row was accepted). And a person whose only numbered row
  /// was refused, named again without a number, is a record with no claim, accepted as across chunks.
  @Test func aNumberGivenOnALaterRowIsCheckedAsInAChunkOfItsOwn() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rows = [
      Self.row("D0", "P0", Self.n1),  // 2: accepted
      Self.row("D1", "PB", ""),  // 3: no number, no claim
      Self.row("D2", "PB", Self.n1),  // 4: P0's number
      Self.row("D3", "PX", Self.n1),  // 5: P0's number
      Self.row("D4", "PX", ""),  // 6: no number: accepted
    ]
    let path = try Self.csv(rows, columns: Self.withPersonRules, in: dir)
    let run = try Self.runEveryChunking(path, in: dir)
    func reason(_ line: Int) -> String? { run.rejects.first { $0["line"] == String(line) }?["reason"] }
    #expect(reason(4)?.contains("is the ID number of another person on line 2") == true, "\(run.rejectsText)")
    #expect(reason(5)?.contains("is the ID number of another person on line 2") == true, "\(run.rejectsText)")
    #expect(run.rejects.count == 2, "\(run.rejectsText)")
    #expect(run.payouts.contains { $0["subject"] == "D4" }, "\(run.payoutsText)")
    #expect(!run.payouts.contains { $0["subject"] == "D2" }, "\(run.payoutsText)")
  }

  /// One person on two rows with other values (poverty status, household): each row's dispatch is
  /// judged on its own row's values, in one chunk as when the file is cut between them, where before a
  /// chunk judged both on its first row's. A third row whose values are only written otherwise
  /// (`FALSE` for `false`) is judged as the first.
  @Test func aPersonsOtherValuesOnALaterRowAreThatRowsOwn() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Not registered poor on line 2: 湘西's transport subsidy (第二十条) is not for it.
    var first = Self.row("D1", "P1", Self.n1)
    first["person_poverty_status"] = "none"
    first["household_id"] = "H1"
    first["household_members"] = "4"
    var second = Self.row("D2", "P1", Self.n1)
    second["household_id"] = "H2"
    second["household_members"] = "2"
    var third = first
    third["dispatch_id"] = "D3"
    third["person_relocated"] = "FALSE"
    let path = try Self.csv([first, second, third], columns: Self.withPersonRules, in: dir)
    let run = try Self.runEveryChunking(path, in: dir)
    #expect(run.rejects.isEmpty, "\(run.rejectsText)")
    let transport = run.payouts(rule: "transport-subsidy").filter { $0["status"] == "payable" }.compactMap { $0["subject"] }
    #expect(transport == ["D2"], "line 3 is registered poor: \(run.payoutsText)")
  }

  /// A person with no ID number (no claim) whose only row repeats an earlier row's dispatch id: its
  /// own results are not given, in one chunk (the decoder takes the row back) as when the repeat is in
  /// a chunk of its own (the merge rejects the row); and when its first row is such a repeat and a
  /// later row stands, its results are at that later row, however the file is cut.
  @Test func aRecordWhoseRowsAreRejectedAtTheMergeBringsNoResult() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rows = [
      Self.row("D0", "P0", Self.n0),  // 2
      Self.row("D0", "PN", ""),  // 3: repeats D0; PN's only row
      Self.row("D0", "PM", ""),  // 4: repeats D0; PM's first row
      Self.row("D5", "PM", ""),  // 5: PM stands here
    ]
    let path = try Self.csv(rows, columns: Self.withPersonRules, in: dir)
    let run = try Self.runEveryChunking(path, in: dir)
    #expect(run.rejects.map { $0["line"] } == ["3", "4"], "\(run.rejectsText)")
    #expect(!run.payouts.contains { $0["subject"] == "PN" }, "\(run.payoutsText)")
    #expect(run.payouts.filter { $0["subject"] == "PM" }.count == 2, "\(run.payoutsText)")
    // JSON Lines the same: a line whose dispatch repeats an earlier line's brings no result of its people.
    func line(_ d: String, _ p: String) -> String {
      #"{"people":[{"id":"\#(p)","hukou":"433125","poverty_status":"registered_poor","returning_migrant":true,"starting_business":true}],"# +
        #""dispatches":[{"id":"\#(d)","person":"\#(p)","destination":"440306","start":"2024-03-01","contract":true,"transport_cost":300}]}"#
    }
    let jsonl = try write([line("J0", "JP0"), line("J0", "JPN")].joined(separator: "\n") + "\n", to: dir, "facts.jsonl")
    let json = try Self.runEveryChunking(jsonl, in: dir, chunkings: [16, 32, 4096].map { ["--chunk-rows", String($0)] })
    #expect(json.rejects.count == 1 && !json.payouts.contains { $0["subject"] == "JPN" }, "\(json.payoutsText)\n\(json.rejectsText)")
  }
}
