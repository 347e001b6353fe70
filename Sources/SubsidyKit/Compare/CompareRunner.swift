import Dispatch
import Foundation
import PolicyCheck
import PolicyEval
import PolicySupport
import PolicyValues

/// One policy of a comparison: its program (compiled alone), and how facts are made local to it.
public struct ComparedPolicy: Sendable {
  public let program: Program
  public let checked: CheckedPolicy
  public let localizer: Localizer

  /// Nil when the policy's jurisdiction is not a 2-, 4- or 6-digit prefix of a real province.
  public init?(program: Program) {
    guard let checked = program.checkedPolicies.first, let localizer = Localizer(jurisdiction: checked.syntax.jurisdiction.value) else { return nil }
    self.program = program
    self.checked = checked
    self.localizer = localizer
  }
}

/// Options of one comparison.
public struct CompareOptions: Sendable {
  public var input: String
  /// The cohort's bytes when they are not read from the file `input` (the server's `POST /v1/compare`
  /// has them in memory): `input` then only names them in messages and the report, and its ending
  /// (`.csv`) says whether they are a batch CSV.
  public var inputBytes: [UInt8]?
  public var asOf: CivilDate?
  public var chunkRows = 4_096
  public var threads = ProcessInfo.processInfo.activeProcessorCount
  /// Set to stop the comparison (Ctrl-C); checked between batches of chunks.
  public var cancellation: Cancellation?
  /// How many of the largest gains and losses per pair get their explanations side by side.
  public var detail = 20
  /// The language of the few sentences the report stores (the parameter changes behind an amount).
  public var language: TextReport.Language = .zh
  public init(input: String) { self.input = input }
}

/// Runs the same cohort through several policies, each on facts made local to it.
///
/// The cohort streams: a CSV is read in chunks, each chunk decoded once, copied and localised per
/// policy, and evaluated on all cores; only per-beneficiary and per-payee figures (and the one claim
/// per limit key) are kept. A second, cheaper pass re-reads the cohort only to explain the largest
/// changes, keeping the results of those few people.
public struct CompareRunner: Sendable {
  let policies: [ComparedPolicy]
  let options: CompareOptions
  let schema: FactSchema

  /// Nil without any policy to compare.
  public init?(policies: [ComparedPolicy], options: CompareOptions) {
    guard let first = policies.first else { return nil }
    self.policies = policies
    self.options = options
    schema = first.program.schema
  }

  var isCSV: Bool { options.input.lowercased().hasSuffix(".csv") }

  public func run(into d: inout DiagnosticBag) throws -> CompareReport? {
    guard let (asOf, tally, read) = try firstPass(into: &d) else { return nil }
    var report = CompareReportBuilder(policies: policies, tally: tally, input: options.input, asOf: asOf).build()
    report.rowsRead = read.rows
    report.rowsRejected = read.rejected
    report.rejects = read.rejects
    let wanted = report.detailWanted(options.detail)
    if !wanted.isEmpty, let explained = try explain(wanted, asOf: asOf, into: &d) {
      report.attachReasons(explained, detail: options.detail, parameters: ParameterChanges(policies: policies, language: options.language))
    }
    return report
  }

  struct ReadCounts {
    var rows = 0
    var rejected = 0
    var rejects: [Reject] = []
  }

  private func firstPass(into d: inout DiagnosticBag) throws -> (CivilDate, CompareTally, ReadCounts)? {
    guard var pieces = try open(into: &d) else { return nil }
    let asOf = pieces.asOf
    var tally = CompareTally(rules: policies.map { p in p.checked.rules.map { RuleInfo($0, schema: schema) } })
    var merges = policies.enumerated().map { PolicyMerge(policy: $0.offset, program: $0.element.program) }
    var counts = ReadCounts()
    var orgNames: [String: String] = [:]
    try pieces.forEachBatch(threads: options.threads, cancellation: options.cancellation) { chunk in
      evaluate(chunk, asOf: asOf)
    } merge: { chunk, results in
      counts.rows += chunk.rows
      counts.rejected += chunk.rejects.count
      counts.rejects += chunk.rejects.prefix(max(0, 20 - counts.rejects.count))
      for (name, id) in Self.names(chunk.facts, schema: schema, entity: "person") { tally.register(person: id, name: name.isEmpty ? nil : name) }
      for (name, id) in Self.names(chunk.facts, schema: schema, entity: "organization") where orgNames[id] == nil { orgNames[id] = name }
      for (p, r) in results.enumerated() { merges[p].take(r, into: &tally) }
    }
    for p in merges.indices { merges[p].finish(asOf: asOf, into: &tally) }
    for (id, name) in orgNames where !name.isEmpty { tally.name(id, name) }
    tally.namePayeesFromBeneficiaries()
    return (asOf, tally, counts)
  }

  /// Each policy on its own localised copy of the chunk.
  func evaluate(_ chunk: CohortChunk, asOf: CivilDate) -> [PolicyChunkResults] {
    let lines = chunk.lines
    let position: (Int) -> Int = { $0 < lines.count ? lines[$0] : $0 }
    return policies.map { policy in
      var facts = chunk.facts
      CohortLocalizer(schema: schema, localizer: policy.localizer).localize(&facts)
      let program = policy.program
      var out = PolicyChunkResults()
      var refused = [Int](repeating: 0, count: program.ruleCount)
      out.rows = program.evaluateRowRules(facts, asOf: asOf, refused: &refused)
      if program.hasEntityRules { out.entities = program.evaluateEntityRules(facts, asOf: asOf, refused: &refused) }
      if program.hasGroupRules { program.accumulateGroups(facts, asOf: asOf, into: &out.groups, position: position) }
      return out
    }
  }

  /// The second pass: every policy's explained results for the chosen people.
  private func explain(_ wanted: Set<String>, asOf: CivilDate, into d: inout DiagnosticBag) throws -> [String: [[EvalResult]]]? {
    guard var pieces = try open(into: &d) else { return nil }
    var found: [String: [[EvalResult]]] = [:]
    let personKind = schema.entityIndex["person"]
    try pieces.forEachBatch(threads: options.threads, onlyPeople: wanted, cancellation: options.cancellation) { chunk -> [[EvalResult]] in
      guard let personKind, chunk.facts.tables[personKind].ids.contains(where: wanted.contains) else { return [] }
      return policies.map { policy in
        var facts = chunk.facts
        CohortLocalizer(schema: schema, localizer: policy.localizer).localize(&facts)
        return policy.program.evaluate(facts, asOf: asOf).filter { r in r.beneficiary.map(wanted.contains) ?? false }
      }
    } merge: { _, perPolicy in
      for (p, results) in perPolicy.enumerated() {
        for r in results {
          guard let who = r.beneficiary else { continue }
          found[who, default: Array(repeating: [], count: policies.count)][p].append(r)
        }
      }
    }
    return found
  }

  private func open(into d: inout DiagnosticBag) throws -> CohortPieces? {
    if isCSV {
      guard let asOf = options.asOf else {
        d.add(.error("no-as-of", "a batch CSV has no `as_of`; give the date to judge on with --as-of YYYY-MM-DD",
                     zh: "批量 CSV 没有 `as_of`；请用 `--as-of YYYY-MM-DD` 给出评判日期", at: nil))
        return nil
      }
      guard let source = try CSVSource(path: options.input, bytes: options.inputBytes, schema: schema, asOf: asOf, chunkRows: options.chunkRows, into: &d)
      else { return nil }
      return CohortPieces(csv: source, asOf: asOf)
    }
    let read = options.inputBytes.map { SourceReader.decode(Data($0), path: options.input, into: &d) } ?? SourceReader.read(options.input, into: &d)
    guard let source = read, let facts = FactsLoader(schema: schema).load(source, into: &d) else { return nil }
    guard let asOf = options.asOf ?? facts.asOf else {
      d.add(.error("no-as-of", "`\(options.input)` has no `as_of`; give the date to judge on with --as-of YYYY-MM-DD",
                   zh: "`\(options.input)` 没有 `as_of`；请用 `--as-of YYYY-MM-DD` 给出评判日期", at: nil))
      return nil
    }
    return CohortPieces(facts: facts, asOf: asOf)
  }

  /// (name, id) of every record of an entity kind in a chunk.
  static func names(_ facts: Facts, schema: FactSchema, entity: String) -> [(String, String)] {
    guard let e = schema.entity(entity) else { return [] }
    let table = facts.tables[e.index]
    let slot = e.field("name")?.slot
    return (0..<table.count).map { i in
      var name = ""
      if let slot, case .string(let s) = table[record: i, slot: slot] { name = s }
      return (name, table.ids[i])
    }
  }
}
