import PolicyEval
import PolicyValues
import Testing

/// Cases the documents decide, written in the contract's fact format, with the results the documents say.
struct EvalCase: CustomTestStringConvertible, Sendable {
  var id: String
  var asOf: String
  var facts: String
  var rule: String
  var subject: String
  var status: Status
  var amount: String?
  var payee: String?
  var eligibleFrom: String?
  var testDescription: String { id }
}

private let yingjiangBase = """
  people: [{id: P1, name: 李四, hukou: "533123", poverty_status: alleviated}]
  organizations:
    - {id: O1, kind: hr_service_agency, location: "533123"}
    - {id: O2, kind: labor_intermediary, location: "533123"}
  """

extension EvalCase {
  static let documented: [EvalCase] = [
    EvalCase(id: "yingjiang 七（一） 3 months stable → 100 to the agency", asOf: "2024-06-30", facts: yingjiangBase + """

      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2023-09-15, evidence: [organized_export_roster, income_proof]}
      """, rule: "employment-service-subsidy", subject: "D1", status: .payable, amount: "100.00", payee: "O1", eligibleFrom: "2023-12-15"),
    EvalCase(id: "yingjiang 七（一） before 3 months → pending", asOf: "2023-12-14", facts: yingjiangBase + """

      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2023-09-15, evidence: [organized_export_roster, income_proof]}
      """, rule: "employment-service-subsidy", subject: "D1", status: .pending, amount: "100.00", payee: "O1", eligibleFrom: "2023-12-15"),
    EvalCase(id: "yingjiang 七（一） month end clamps: 2023-11-30 + 3 months = 2024-02-29", asOf: "2024-03-31", facts: yingjiangBase + """

      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2023-11-30, evidence: [organized_export_roster, income_proof]}
      """, rule: "employment-service-subsidy", subject: "D1", status: .payable, amount: "100.00", payee: "O1", eligibleFrom: "2024-02-29"),
    EvalCase(id: "yingjiang 七（一） vests 2026-01-01, after 执行期限 → ineligible", asOf: "2026-06-30", facts: yingjiangBase + """

      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2025-10-01, evidence: [organized_export_roster, income_proof]}
      """, rule: "employment-service-subsidy", subject: "D1", status: .ineligible, amount: nil, payee: "O1", eligibleFrom: "2026-01-01"),
    EvalCase(id: "yingjiang 七（一） missing income proof → missing_evidence", asOf: "2024-06-30", facts: yingjiangBase + """

      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2023-09-15, evidence: [organized_export_roster]}
      """, rule: "employment-service-subsidy", subject: "D1", status: .missingEvidence, amount: "100.00", payee: "O1", eligibleFrom: "2023-12-15"),
    EvalCase(id: "yingjiang 七（二） out of province with follow-up → 1000", asOf: "2024-06-30", facts: yingjiangBase + """

      dispatches:
        - {id: D1, person: P1, organizer: O2, destination: "350981", organized: true, follow_up: true, start: 2023-09-15, evidence: [follow_up_record, employment_proof]}
      """, rule: "hu-dian-service-subsidy", subject: "D1", status: .payable, amount: "1000.00", payee: "O2", eligibleFrom: "2023-12-15"),
    EvalCase(id: "yingjiang 七（二） in province outside prefecture → undetermined, never 0", asOf: "2024-06-30", facts: yingjiangBase + """

      dispatches:
        - {id: D1, person: P1, organizer: O2, destination: "530102", organized: true, follow_up: true, start: 2023-09-15, evidence: [follow_up_record, employment_proof]}
      """, rule: "hu-dian-service-subsidy", subject: "D1", status: .undetermined, amount: nil, payee: "O2", eligibleFrom: "2023-12-15"),
    EvalCase(id: "yingjiang 七（二） in prefecture → 600", asOf: "2024-06-30", facts: yingjiangBase + """

      dispatches:
        - {id: D1, person: P1, organizer: O2, destination: "533102", organized: true, follow_up: true, start: 2023-09-15, evidence: [follow_up_record, employment_proof]}
      """, rule: "hu-dian-service-subsidy", subject: "D1", status: .payable, amount: "600.00", payee: "O2", eligibleFrom: "2023-12-15"),
    EvalCase(id: "xiangxi 第二十条 out of province, cost 350 under the 400 cap → 350", asOf: "2017-06-30", facts: """
      people: [{id: P1, hukou: "433101", poverty_status: registered_poor}]
      dispatches:
        - {id: D1, person: P1, destination: "440305", contract: true, transport_cost: 350, start: 2017-03-01, evidence: [labor_contract, transport_receipts]}
      """, rule: "transport-subsidy", subject: "D1", status: .payable, amount: "350.00", payee: "P1", eligibleFrom: "2017-03-01"),
    EvalCase(id: "xiangxi 第二十条 in province, cost 350 over the 200 cap → 200", asOf: "2017-06-30", facts: """
      people: [{id: P1, hukou: "433101", poverty_status: registered_poor}]
      dispatches:
        - {id: D1, person: P1, destination: "430102", contract: true, transport_cost: 350, start: 2017-03-01, evidence: [labor_contract, transport_receipts]}
      """, rule: "transport-subsidy", subject: "D1", status: .payable, amount: "200.00", payee: "P1", eligibleFrom: "2017-03-01"),
  ]
}

@Suite struct EvaluationTests {
  @Test(arguments: EvalCase.documented)
  func documentedCase(_ c: EvalCase) throws {
    let results = try evaluate(c.facts, asOf: c.asOf)
    let r = try #require(result(results, c.rule, c.subject), "no result for \(c.rule) \(c.subject)")
    #expect(r.status == c.status, "explanation: \(r.explanation.map { "\($0.check)=\($0.holds)" })")
    #expect(r.amount?.fenString == c.amount)
    #expect(r.payee == c.payee)
    #expect(r.eligibleFrom?.description == c.eligibleFrom)
  }

  @Test func oncePerWorkerPerYearAcrossDispatches() throws {
    let results = try evaluate(yingjiangBase + """

      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2024-01-10, evidence: [organized_export_roster, income_proof]}
        - {id: D2, person: P1, organizer: O1, destination: "350981", organized: true, start: 2024-03-01, evidence: [organized_export_roster, income_proof]}
        - {id: D3, person: P1, organizer: O1, destination: "350981", organized: true, start: 2024-11-01, evidence: [organized_export_roster, income_proof]}
      """, asOf: "2025-06-30")
    // D1 vests 2024-04-10, D2 2024-06-01 (same year: refused), D3 2025-02-01 (next year: paid).
    #expect(result(results, "employment-service-subsidy", "D1")?.status == .payable)
    #expect(result(results, "employment-service-subsidy", "D2")?.status == .ineligible)
    #expect(result(results, "employment-service-subsidy", "D2")?.explanation.last?.value == "already granted for D1")
    #expect(result(results, "employment-service-subsidy", "D3")?.status == .payable)
  }

  @Test func outsideTheJurisdictionGivesNoResult() throws {
    let results = try evaluate("""
      people: [{id: P1, hukou: "110101", poverty_status: alleviated}]
      organizations: [{id: O1, kind: hr_service_agency, location: "533123"}]
      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2023-09-15}
      """, asOf: "2024-06-30")
    // The organisation is in Yingjiang (its obligations apply); the worker is not.
    #expect(results.filter { $0.subject == "D1" }.isEmpty)
  }

  @Test func everyConditionIsExplainedWithItsValue() throws {
    let results = try evaluate("""
      people: [{id: P1, hukou: "533123", poverty_status: monitored}]
      organizations: [{id: O1, kind: hr_service_agency, location: "533123"}]
      dispatches:
        - {id: D1, person: P1, organizer: O1, destination: "350981", organized: true, start: 2023-09-15}
      """, asOf: "2024-06-30")
    let r = try #require(result(results, "employment-service-subsidy", "D1"))
    #expect(r.status == .ineligible)
    let failed = r.explanation.filter { !$0.holds }
    #expect(failed.count == 1)
    #expect(failed.first?.check == "person.poverty_status == alleviated")
    #expect(failed.first?.value == "monitored")
  }
}
