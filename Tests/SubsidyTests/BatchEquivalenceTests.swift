import Foundation
import PolicyEval
import PolicyValues
import Testing

/// `subsidy batch` and the in-memory evaluator agree: the same facts give the same results.
@Suite struct BatchEquivalenceTests {
  static let asOf = "2025-06-30"

  /// Converts batch rows to a facts YAML: one person, household and organisation record per distinct
  /// id (the first row that names it), one dispatch per row.
  static func factsYAML(header: [String], rows: [[String]], asOf: String) -> String {
    func q(_ s: String) -> String {
      "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    let index = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
    enum Kind { case text, raw, list }
    var people: [String] = [], households: [String] = [], organizations: [String] = [], dispatches: [String] = []
    var seenPeople = Set<String>(), seenHouseholds = Set<String>(), seenOrganizations = Set<String>()
    for row in rows {
      func cell(_ column: String) -> String {
        guard let i = index[column], i < row.count else { return "" }
        return row[i].trimmingCharacters(in: .whitespaces)
      }
      func record(_ fields: [(String, String, Kind)]) -> String {
        var lines: [String] = []
        for (name, column, kind) in fields {
          let value = cell(column)
          guard !value.isEmpty else { continue }
          switch kind {
          case .text: lines.append("\(name): \(q(value))")
          case .raw: lines.append("\(name): \(value)")
          case .list: lines.append("\(name): [\(value.split(separator: ";").map { q(String($0)) }.joined(separator: ", "))]")
          }
        }
        return "  - " + lines.joined(separator: "\n    ")
      }
      let person = cell("person_id")
      if seenPeople.insert(person).inserted {
        people.append(record([
          ("id", "person_id", .text), ("name", "person_name", .text), ("id_number", "person_id_number", .text),
          ("hukou", "person_hukou", .text), ("household", "household_id", .text),
          ("poverty_status", "person_poverty_status", .text), ("relocated", "person_relocated", .raw),
          ("post_school_youth", "person_post_school_youth", .raw),
        ]))
      }
      let household = cell("household_id")
      if !household.isEmpty, seenHouseholds.insert(household).inserted {
        households.append(record([
          ("id", "household_id", .text), ("members", "household_members", .raw),
          ("labor_income", "household_labor_income", .raw), ("income_year", "household_income_year", .raw),
        ]))
      }
      for role in ["employer", "organizer"] {
        let id = cell("\(role)_id")
        guard !id.isEmpty, seenOrganizations.insert(id).inserted else { continue }
        organizations.append(record([
          ("id", "\(role)_id", .text), ("kind", "\(role)_kind", .text), ("location", "\(role)_location", .text),
          ("licensed", "\(role)_licensed", .raw), ("hr_license", "\(role)_hr_license", .raw),
        ]))
      }
      dispatches.append(record([
        ("id", "dispatch_id", .text), ("person", "person_id", .text), ("organizer", "organizer_id", .text),
        ("employer", "employer_id", .text), ("destination", "destination", .text), ("organized", "organized", .raw),
        ("start", "start", .text), ("end", "end", .text), ("contract", "contract", .raw),
        ("contract_months", "contract_months", .raw), ("social_insurance", "social_insurance", .raw),
        ("follow_up", "follow_up", .raw), ("transport_cost", "transport_cost", .raw), ("evidence", "evidence", .list),
      ]))
    }
    func section(_ name: String, _ items: [String]) -> String {
      items.isEmpty ? "\(name): []\n" : "\(name):\n" + items.joined(separator: "\n") + "\n"
    }
    return "as_of: \(asOf)\n" + section("people", people) + section("households", households)
      + section("organizations", organizations) + section("dispatches", dispatches)
  }

  static func tuple(_ p: [String: String]) -> String {
    ["policy", "rule", "subject", "beneficiary", "payee", "amount", "status", "eligible_from"].map { p[$0] ?? "" }.joined(separator: " | ")
  }

  static func tuple(_ r: EvalResult) -> String {
    [r.policy, r.rule, r.subject, r.beneficiary ?? "", r.payee ?? "", r.amount?.fenString ?? "", r.status.rawValue,
     r.eligibleFrom?.description ?? ""].joined(separator: " | ")
  }

  /// Multiset difference a − b, for messages.
  static func minus(_ a: [String], _ b: [String]) -> [String] {
    var counts: [String: Int] = [:]
    for x in b { counts[x, default: 0] += 1 }
    var out: [String] = []
    for x in a {
      if let n = counts[x], n > 0 { counts[x] = n - 1 } else { out.append(x) }
    }
    return out
  }

  @Test func batchPayoutsEqualTheInMemoryEvaluationOfTheSameFacts() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let generated = try generateBatch(rows: 3_000, seed: 11, in: dir)
    let run = try runBatch(generated.path, asOf: Self.asOf, in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.rowsRead == 3_000)

    // Rejected rows are left out of the facts; the generator labels its bad rows `X…`.
    let records = TestCSV.parse(try String(contentsOfFile: generated.path, encoding: .utf8)).dropFirst()
    let rejectedLines = Set(run.rejects.compactMap { Int($0["line"] ?? "") })
    let kept = records.filter { !rejectedLines.contains($0.line) }.map(\.fields)
    let badIDs = records.filter { $0.fields.first?.hasPrefix("X") == true }.map(\.line)
    #expect(Set(badIDs) == rejectedLines, "the rejected lines are not the generator's bad rows")
    #expect(kept.count == run.rowsEvaluated)

    let yaml = Self.factsYAML(header: generated.header, rows: kept, asOf: Self.asOf)
    let results = try evaluate(yaml, asOf: Self.asOf)
    let hidden: Set<Status> = [.ineligible, .notApplicable, .notMet]
    let expected = results.filter { !hidden.contains($0.status) }.map(Self.tuple).sorted()
    let actual = run.payouts.map(Self.tuple).sorted()
    #expect(expected.count > 300, "the generated file should give many results, got \(expected.count)")
    let missing = Self.minus(expected, actual), extra = Self.minus(actual, expected)
    #expect(missing.isEmpty && extra.isEmpty,
            "batch vs eval: \(missing.count) missing from batch, \(extra.count) extra in batch\nmissing:\n\(missing.prefix(15).joined(separator: "\n"))\nextra:\n\(extra.prefix(15).joined(separator: "\n"))")
  }
}
