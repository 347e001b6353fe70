import Foundation
import Ledger
import PolicyEval
import PolicySupport
import PolicyValues
@testable import SubsidyIO
@testable import SubsidyKit
import Testing

/// At the end of a batch the group rules are judged on a thread of their own while the limit winners
/// are written (`GroupJudging`). Whether they were is checked byte for byte by `BatchSpillTests`
/// (held: judged alongside; spilled: one after the other). Here: a failure while the group results
/// are written ends the run with that failure, the judging thread is stopped and joined, and the
/// next run is unaffected.
@Suite struct BatchGroupJudgingTests {
  struct LedgerDown: Error {}

  private func groupFile(in dir: URL) throws -> String {
    var scenario: [BatchRow] = []
    for (n, leader) in ["SD-L-A", "SD-L-B", "SD-L-C"].enumerated() {
      scenario += BatchGroupTests.rows(leader: leader, workers: 40, sequenceBase: 100 + 100 * n)
    }
    let padding = try generateBatch(rows: 3_000, seed: 53, in: dir)
    let lines = [TestCSV.line(BatchFixtures.columns)] + BatchGroupTests.interleave(scenario, padding.records)
    return try write(lines.joined(separator: "\n") + "\n", to: dir, "judging.csv")
  }

  private func run(_ path: String, program: Program, ledger: LedgerHooks?, in dir: URL) throws -> (BatchSummary, String) {
    var options = BatchOptions(input: path, asOf: CivilDate(year: 2024, month: 6, day: 30)!)
    options.chunkRows = 256
    options.threads = 2
    let out = dir.appendingPathComponent("out-\(UUID().uuidString).csv").path
    let outputs = BatchOutputs(payouts: try OutputFile(out), rejects: nil)
    var d = DiagnosticBag()
    let summary = try BatchRunner(program: program, options: options).run(ledger: ledger, outputs: outputs, into: &d)
    try outputs.commit()
    return (summary, try String(contentsOfFile: out, encoding: .utf8))
  }

  /// What the judging thread holds stays bounded: a rule whose groups are all refused sends no page of
  /// results, and its refusals are counted by rule and status, not listed one a group.
  @Test func refusedGroupsAreCountedNotListed() throws {
    let rule = """
        - id: g
          clause: 一
          text: t
          kind: payment
          about: group
          group:
            of: dispatch
            where: present(dispatch.start)
            by: [dispatch.person, dispatch.cost]
          payee: person
          beneficiary: person
          dated: end_of_year(2023)
          when:
            - sum(dispatch.cost) >= 100000000
          amount: 1
      """
    let program = try SemanticsTests.program(rule)
    let groups = 20_000
    var facts = "people: [{id: P1, hukou: \"533123\"}]\ndispatches:\n"
    for n in 1...groups { facts += "  - {id: D\(n), person: P1, start: 2023-03-01, cost: \(n)}\n" }
    var d = DiagnosticBag()
    let loaded = try #require(FactsLoader(schema: program.schema).load(SourceFile(path: "f.yaml", text: facts), into: &d))
    let asOf = try #require(CivilDate.parse("2024-06-30"))
    var tables: [String: GroupTable] = [:]
    program.accumulateGroups(loaded, asOf: asOf, into: &tables, position: { $0 })
    #expect(tables.values.reduce(0) { $0 + $1.count } == groups)
    var book = SpillingGroupBook()
    try book.take(tables)
    let judging = GroupJudging(book: book, claims: SpillingGroupClaims(), program: program, asOf: asOf,
                               explanation: KeptExplanation(program: program, forLedger: false, wordsIn: nil, showPII: false))
    judging.start()
    var largest = 0, total = 0
    while let page = try judging.next() {
      largest = max(largest, page.refused.count + page.rows.count)
      total += page.refused.values.reduce(0, +)
    }
    judging.finish()
    #expect(total == groups, "every refused group counted")
    #expect(largest <= 4_096, "one page held \(largest) entries")
  }

  @Test func aFailureWhileGroupResultsAreWrittenEndsTheRunAndTheNextRunIsWhole() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try groupFile(in: dir)
    let program = try #require(Subsidy.compile(Paths.policies).0)
    // The ledger fails the first time it is asked about a group rule's payment: group results are
    // settled only at the end, after the limit winners, while the judging thread may still be running.
    let failing = LedgerHooks(paidKeys: { keys in
      if keys.contains(where: { $0.contains("lead-entrepreneur-reward") }) { throw LedgerDown() }
      return []
    }, record: nil)
    #expect(throws: LedgerDown.self) { _ = try run(path, program: program, ledger: failing, in: dir) }

    let (summary, payouts) = try run(path, program: program, ledger: LedgerHooks(paidKeys: { _ in [] }, record: nil), in: dir)
    let (_, alone) = try run(path, program: program, ledger: nil, in: dir)
    #expect(payouts == alone)
    #expect(payouts.contains("lead-entrepreneur-reward"))
    #expect(summary.balances)
  }
}
