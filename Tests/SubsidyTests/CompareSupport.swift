import Foundation
import PolicyCheck
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit
import Testing

/// Helpers for the compare tests: policies compiled alone, and an independent localisation that
/// moves a whole case relative to one person (what an analyst does by hand before `eval`).
enum CompareSupport {
  static let variants = Paths.examples + "/variants"

  static func policy(_ id: String) throws -> ComparedPolicy {
    let (program, outcome) = Subsidy.compile([Paths.policies, variants], only: [id])
    let p = try #require(program, "\(id) must check: \(outcome.diagnostics.diagnostics.map(\.message))")
    return try #require(ComparedPolicy(program: p))
  }

  static func report(_ ids: [String], _ path: String, asOf: String? = nil, detail: Int = 20) throws -> CompareReport {
    var options = CompareOptions(input: path)
    options.asOf = asOf.flatMap(CivilDate.parse)
    options.detail = detail
    options.threads = 2
    options.chunkRows = 3  // several chunks even for a small CSV, so merging across chunks is exercised
    let runner = try #require(CompareRunner(policies: try ids.map(policy), options: options))
    var d = DiagnosticBag()
    let report = try runner.run(into: &d)
    return try #require(report, "\(d.diagnostics.map(\.message))")
  }

  static func loadFacts(_ path: String, schema: FactSchema) throws -> Facts {
    var d = DiagnosticBag()
    let source = try #require(SourceReader.read(path, into: &d))
    return try #require(FactsLoader(schema: schema).load(source, into: &d), "\(d.diagnostics.map(\.message))")
  }

  /// Every code of the case moved as `person` sees it: their hukou into the jurisdiction, and every
  /// other code (other people's too) relative to their old and new home. Results about `person` are
  /// then what `eval` gives for them made local.
  static func localized(_ facts: Facts, schema: FactSchema, for person: Int, _ localizer: Localizer) throws -> Facts {
    var f = facts
    let people = try #require(schema.entity("person")), hukou = try #require(people.field("hukou")?.slot)
    guard case .code(let old) = facts.tables[people.index][record: person, slot: hukou] else { return f }
    let new = localizer.hukou(old)
    for entity in schema.entities {
      for field in entity.fields where field.type == .code {
        for r in 0..<f.tables[entity.index].count {
          guard case .code(let c) = f.tables[entity.index][record: r, slot: field.slot] else { continue }
          let moved = entity.index == people.index && field.slot == hukou ? localizer.hukou(c) : localizer.place(c, from: old, to: new)
          f.tables[entity.index][record: r, slot: field.slot] = .code(moved)
        }
      }
    }
    return f
  }

  /// Payable cash for one beneficiary in a list of results.
  static func payable(_ results: [EvalResult], of id: String) -> Fixed {
    results.filter { $0.beneficiary == id && $0.kind == .payment && $0.status == .payable }.compactMap(\.amount)
      .reduce(Fixed.zero) { $0.adding($1) ?? $0 }
  }

  static func sum(_ results: [EvalResult], _ keep: (EvalResult) -> Bool) -> Fixed {
    results.filter { $0.kind == .payment && keep($0) }.compactMap(\.amount).reduce(Fixed.zero) { $0.adding($1) ?? $0 }
  }

  static func write(_ text: String, _ name: String) throws -> String {
    let url = Paths.temporaryDirectory().appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }
}
