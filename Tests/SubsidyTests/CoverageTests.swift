import Foundation
@testable import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
import SubsidySynthetic
import Testing

/// Which records a policy judges is read from the columns in bulk (`Program.coveredRecords`); it must
/// be exactly what `applies` says record by record, overlays' areas taken out of their base's.
@Suite struct CoverageTests {
  @Test func theColumnsCoverWhatAppliesCovers() throws {
    let dir = Paths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // The shipped policies with the overlays of examples/variants (Jishou's area inside Xiangxi's).
    let (compiled, _) = Subsidy.compile([Paths.policies, Paths.examples + "/variants"])
    let program = try #require(compiled)
    let file = dir.appendingPathComponent("people.csv").path
    let output = try OutputFile(file)
    try SyntheticPopulation(seed: 11, badRowRate: 0).writeCSV(rows: 6_000, to: output.handle)
    try output.commit()
    let reader = try CSVReader(path: file)
    let headerChunk = try #require(try reader.next(maxRecords: 1))
    let header = (0..<headerChunk.fieldCount(0)).map { headerChunk.string(0, $0) }
    var d = DiagnosticBag()
    let plan = try #require(ColumnPlan.make(header: header, schema: program.schema, file: file, into: &d))
    let decoder = RowDecoder(schema: program.schema, plan: plan, showPII: false)
    let asOf = try #require(CivilDate(year: 2025, month: 6, day: 30))
    var superseded = 0, pathAnchors = 0
    while let chunk = try reader.next(maxRecords: 2_000) {
      let facts = decoder.decode(chunk, asOf: asOf).facts
      let ctx = EvalContext(facts: facts, date: asOf)
      let households = HouseholdCodes(facts: facts, schema: program.schema)
      for policy in program.policies {
        for kind in Set(policy.rules.filter { !$0.isGroup }.map(\.checked.subject)) {
          let anchor = AnchorReader(entity: kind, schema: program.schema)
          let codes = Program.anchorCodes(anchor, facts, count: facts.tables[kind].count)
          if codes != nil { pathAnchors += 1 }
          let fast = program.coveredRecords(policy, anchor, kind: kind, anchorCodes: codes, ctx, households)
          ctx.kind = kind
          var slow: [Int32] = [], inArea = 0
          for record in 0..<facts.tables[kind].count {
            ctx.record = record
            if program.covers(policy.jurisdiction, anchor, ctx, households) { inArea += 1 }
            if program.applies(policy, anchor, ctx, households) { slow.append(Int32(record)) }
          }
          let id = policy.checked.id
          #expect(fast == slow, "\(id), kind \(kind): \(fast.count) covered by the columns, \(slow.count) by applies")
          superseded += inArea - slow.count
        }
      }
    }
    #expect(pathAnchors > 0, "no anchor was read from the columns")
    #expect(superseded > 0, "no record was in an overlay's area: the test does not see overlays")
  }
}
