import Foundation
import PolicyEval
import PolicyValues
import SubsidyKit
import Testing

/// `subsidy compare`: the same cohort under several policies, each on facts made local to it.
/// Totals are checked against sums computed here from `program.evaluate`, not from compare's code.
@Suite struct CompareTests {
  static let village = Paths.examples + "/cohorts/village-2024.yaml"
  static let villageCSV = Paths.examples + "/cohorts/village-2024.csv"
  static let regions = ["yingjiang", "sandu", "xiangxi"]

  /// A small cohort from one county, so one localisation fits everyone.
  static let small = """
    as_of: 2024-06-30
    people:
      - {id: P1, hukou: "533123", household: H1, poverty_status: alleviated}
      - {id: P2, hukou: "533123", household: H1, poverty_status: registered_poor}
      - {id: P3, hukou: "533123", poverty_status: registered_poor, relocated: true}
    households:
      - {id: H1, members: 3, labor_income: 18000, income_year: 2023}
    organizations:
      - {id: O1, kind: hr_service_agency, location: "533123", licensed: true}
      - {id: O2, kind: labor_broker, location: "533123", licensed: true}
      - {id: C1, kind: enterprise, location: "533102"}
    dispatches:
      - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2023-10-01, contract: true, transport_cost: 300.00, evidence: [organized_export_roster, income_proof, labor_contract, transport_receipts]}
      - {id: D2, person: P2, organizer: O2, employer: C1, destination: "533102", organized: true, start: 2023-05-01, contract: true, social_insurance: true, follow_up: true, transport_cost: 120.00, evidence: [employment_proof, follow_up_record, labor_contract, transport_receipts, social_insurance_record, organized_export_roster]}
      - {id: D3, person: P3, organizer: O1, destination: "530102", organized: true, follow_up: true, start: 2024-05-01, contract: true, transport_cost: 260.00, evidence: [organized_export_roster, employment_proof, labor_contract, transport_receipts]}
    """

  @Test func smallCohortTotalsMatchEachPolicyOnItsLocalisedFacts() throws {
    let path = try CompareSupport.write(Self.small, "small.yaml")
    let report = try CompareSupport.report(Self.regions, path)
    for (p, id) in Self.regions.enumerated() {
      let policy = try CompareSupport.policy(id)
      let schema = policy.program.schema
      let facts = try CompareSupport.localized(try CompareSupport.loadFacts(path, schema: schema), schema: schema, for: 0, policy.localizer)
      let results = policy.program.evaluate(facts, asOf: try #require(CivilDate.parse("2024-06-30")))
      let payable = CompareSupport.sum(results) { $0.status == .payable }
      let awaiting = CompareSupport.sum(results) { $0.status == .pending || $0.status == .missingEvidence }
      #expect(report.totals[p].payable == payable, "\(id) payable")
      #expect(report.totals[p].awaiting == awaiting, "\(id) awaiting")
      for row in report.beneficiaries {
        #expect(row.figures[p].payable == CompareSupport.payable(results, of: row.id), "\(id) \(row.id)")
      }
      // Category and funding lines add up to the total.
      let byCategory = report.byCategory[p].values.reduce(Fixed.zero) { $0.adding($1.payable) ?? $0 }
      let byFunding = report.byFunding[p].reduce(Fixed.zero) { $0.adding($1.figures.payable) ?? $0 }
      #expect(byCategory == payable && byFunding == payable, "\(id) breakdowns")
    }
    // Known figures, so a wrong localisation cannot pass by being wrong on both sides.
    #expect(report.totals.map(\.payable.fenString) == ["100.00", "1000.00", "1600.00"])
    #expect(report.totals.map(\.awaiting.fenString) == ["0.00", "200.00", "0.00"])
  }

  @Test func villagePerPersonAmountsMatchEvalOfThatPersonMadeLocal() throws {
    let report = try CompareSupport.report(Self.regions, Self.village)
    let asOf = try #require(CivilDate.parse("2024-06-30"))
    for (p, id) in Self.regions.enumerated() {
      let policy = try CompareSupport.policy(id)
      let schema = policy.program.schema
      let facts = try CompareSupport.loadFacts(Self.village, schema: schema)
      let people = try #require(schema.entity("person"))
      var total = Fixed.zero
      for person in 0..<facts.tables[people.index].count {
        let personID = facts.tables[people.index].ids[person]
        let results = policy.program.evaluate(try CompareSupport.localized(facts, schema: schema, for: person, policy.localizer), asOf: asOf)
        let expected = CompareSupport.payable(results, of: personID)
        let row = try #require(report.beneficiaries.first { $0.id == personID })
        #expect(row.figures[p].payable == expected, "\(id) \(personID)")
        total = total.adding(expected) ?? total
      }
      let people_total = report.beneficiaries.filter { $0.kind == "person" }.reduce(Fixed.zero) { $0.adding($1.figures[p].payable) ?? $0 }
      #expect(people_total == total, "\(id) total over people")
    }
  }

  @Test func csvAndYAMLCohortsGiveTheSameFigures() throws {
    let yaml = try CompareSupport.report(Self.regions, Self.village)
    let csv = try CompareSupport.report(Self.regions, Self.villageCSV, asOf: "2024-06-30")
    #expect(csv.rowsRead == 12 && csv.rowsRejected == 0)
    #expect(yaml.totals == csv.totals)
    for row in yaml.beneficiaries {
      let other = try #require(csv.beneficiaries.first { $0.id == row.id }, "\(row.id)")
      #expect(row.figures == other.figures, "\(row.id)")
    }
    #expect(yaml.payees.map(\.id).sorted() == csv.payees.map(\.id).sorted())
    for c in RuleCategory.allCases { #expect(yaml.byCategory.map { $0[c] } == csv.byCategory.map { $0[c] }) }
  }

  @Test func amendmentGainsAreExplainedByTheChangedDeadlineAndAmount() throws {
    let path = try CompareSupport.write("""
      as_of: 2026-06-30
      people:
        - {id: P1, hukou: "533123", poverty_status: alleviated}
        - {id: P2, hukou: "533123", poverty_status: alleviated}
        - {id: P3, hukou: "533123", poverty_status: none}
      organizations: [{id: O1, kind: hr_service_agency, location: "533123"}]
      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2025-11-01, evidence: [organized_export_roster, income_proof]}
        - {id: D2, person: P2, organizer: O1, destination: "350981", organized: true, start: 2024-03-01, evidence: [organized_export_roster, income_proof]}
        - {id: D3, person: P3, organizer: O1, destination: "350981", organized: true, start: 2025-11-01, evidence: [organized_export_roster, income_proof]}
      """, "draft.yaml")
    var report = try CompareSupport.report(["yingjiang", "yingjiang-2026-draft"], path)
    report.input = "draft.yaml"  // not the temporary path, so the golden file is stable
    let pair = try #require(report.pairs.first)
    #expect(pair.gainers.count == 1 && pair.losers.isEmpty && pair.gained.fenString == "150.00")
    let reason = try #require(pair.gainers.first?.reason)
    guard case .condition(let rule, let subject, let from, let to)? = reason.difference else {
      Issue.record("expected a differing condition, got \(String(describing: reason.difference))")
      return
    }
    #expect(rule == "employment-service-subsidy" && subject == "D1")
    #expect(from?.check == "vests on or before 2025-12-31" && from?.holds == false)
    #expect(to?.check == "vests on or before 2027-12-31" && to?.holds == true)
    assertSnapshot(CompareText(report: report, language: .zh).render(), named: "compare-yingjiang-draft")
  }

  @Test func htmlIsSelfContainedWithChartAndTables() throws {
    let report = try CompareSupport.report(Self.regions, Self.village)
    let html = CompareHTML(report: report, language: .zh).render()
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<svg") && html.contains("</svg>") && html.contains("<rect"))
    for id in Self.regions { #expect(html.contains(id)) }
    #expect(html.contains("<table") && html.contains("按受益人") && html.contains("增减"))
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script") && !html.contains("<link"))
  }

  @Test func outputsStateTheLocalisation() throws {
    let report = try CompareSupport.report(Self.regions, Self.village)
    #expect(CompareText(report: report, language: .zh).render().contains("4331 → 433101"))
    #expect(CompareJSON.document(report).serialized().contains("\"localisation\""))
    let csv = CompareCSV.render(report, language: .zh)
    #expect(csv.hasPrefix("role,id,kind,name,yingjiang_payable"))
    #expect(csv.split(separator: "\n").count == 1 + report.beneficiaries.count + report.payees.count)
  }

  @Test func cliComparesAndWritesHTML() throws {
    let html = Paths.temporaryDirectory().appendingPathComponent("compare.html").path
    let r = try runCLI(["compare", "--policy", "yingjiang", "--policy", "xiangxi", "examples/cohorts/village-2024.yaml", "--html", html, "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\"totals\""))
    #expect(FileManager.default.fileExists(atPath: html))
    let bad = try runCLI(["compare", "--policy", "yingjiang", "--policy", "yingjang", "examples/cohorts/village-2024.yaml"])
    #expect(bad.status == 64 && bad.stderr.contains("yingjiang"))
    let csvWithoutDate = try runCLI(["compare", "--policy", "yingjiang", "--policy", "sandu", "examples/cohorts/village-2024.csv"])
    #expect(csvWithoutDate.status == 1 && csvWithoutDate.stderr.contains("--as-of"))
  }
}
