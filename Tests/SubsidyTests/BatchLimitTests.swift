import Foundation
import Testing

/// Limits hold across the whole file, however far apart the rows are and however the file is chunked.
///
/// One 20,000-row file: scenario rows at the top and at the bottom (the last one on data row 20,000),
/// generated rows in between.
@Suite struct BatchLimitTests {
  static let asOf = "2025-06-30"

  static func yingjiangRow(_ dispatch: String, person: String, name: String, born: String, seq: Int,
                           start: String, end: String = "", destination: String = "440306") -> BatchRow {
    BatchRow([
      "dispatch_id": dispatch, "person_id": person, "person_name": name,
      "person_id_number": BatchFixtures.idNumber("533123", born: born, sequence: seq), "person_hukou": "533123",
      "person_poverty_status": "alleviated", "person_relocated": "false", "person_post_school_youth": "false",
      "organizer_id": "YJ-LIM-O1", "organizer_kind": "hr_service_agency", "organizer_location": "533123",
      "organizer_licensed": "true", "organizer_hr_license": "false",
      "employer_id": "SZ-LIM-E1", "employer_kind": "enterprise", "employer_location": destination,
      "destination": destination, "organized": "true", "start": start, "end": end,
      "contract": "true", "contract_months": "12", "social_insurance": "true", "follow_up": "false",
      "transport_cost": "560.00", "evidence": "organized_export_roster;income_proof",
    ])
  }

  static func xiangxiRow(_ dispatch: String, person: String, name: String, born: String, seq: Int,
                         employer: String, employerLocation: String, start: String, end: String = "") -> BatchRow {
    BatchRow([
      "dispatch_id": dispatch, "person_id": person, "person_name": name,
      "person_id_number": BatchFixtures.idNumber("433125", born: born, sequence: seq), "person_hukou": "433125",
      "person_poverty_status": "registered_poor", "person_relocated": "false", "person_post_school_youth": "false",
      "employer_id": employer, "employer_kind": "enterprise", "employer_location": employerLocation,
      "destination": employerLocation, "organized": "false", "start": start, "end": end,
      "contract": "true", "contract_months": "24", "social_insurance": "true", "follow_up": "false",
      "transport_cost": "", "evidence": "labor_contract;social_insurance_record",
    ])
  }

  /// 盈江: 线应德 twice in 2024 (vesting 2024-04-10 and 2024-09-01), 岳金兰 in 2024 and 2025.
  /// 湘西: 彭秀梅 twice at the same 吉首 enterprise; 田海军 at a 吉首 and then a 泸溪 enterprise.
  static let top = [
    yingjiangRow("LIM-YJ-A2", person: "LIM-YJ-P1", name: "线应德", born: "1988-04-12", seq: 101, start: "2024-06-01"),
    yingjiangRow("LIM-YJ-B1", person: "LIM-YJ-P2", name: "岳金兰", born: "1992-11-03", seq: 202, start: "2023-10-01", end: "2024-08-31"),
    xiangxiRow("LIM-XX-A1", person: "LIM-XX-P1", name: "彭秀梅", born: "1990-02-17", seq: 303,
               employer: "XX-LIM-E1", employerLocation: "433101", start: "2021-03-01", end: "2022-06-30"),
    xiangxiRow("LIM-XX-B1", person: "LIM-XX-P2", name: "田海军", born: "1985-09-09", seq: 404,
               employer: "XX-LIM-E1", employerLocation: "433101", start: "2021-05-10", end: "2022-08-31"),
  ]
  static let bottom = [
    xiangxiRow("LIM-XX-B2", person: "LIM-XX-P2", name: "田海军", born: "1985-09-09", seq: 404,
               employer: "XX-LIM-E2", employerLocation: "433122", start: "2023-01-03"),
    xiangxiRow("LIM-XX-A2", person: "LIM-XX-P1", name: "彭秀梅", born: "1990-02-17", seq: 303,
               employer: "XX-LIM-E1", employerLocation: "433101", start: "2023-05-01"),
    yingjiangRow("LIM-YJ-B2", person: "LIM-YJ-P2", name: "岳金兰", born: "1992-11-03", seq: 202, start: "2024-10-15"),
    // Data row 20,000: the worker's first 2024 placement, which vests first.
    yingjiangRow("LIM-YJ-A1", person: "LIM-YJ-P1", name: "线应德", born: "1988-04-12", seq: 101, start: "2024-01-10", end: "2024-05-20"),
  ]

  /// Writes the 20,000-row file: `top`, generated padding, `bottom`.
  static func makeFile(in dir: URL) throws -> String {
    let rows = 20_000
    let padding = try generateBatch(rows: rows - top.count - bottom.count, seed: 5, in: dir)
    #expect(padding.header == BatchFixtures.columns)
    var lines = [TestCSV.line(BatchFixtures.columns)]
    lines += top.map { $0.csv() }
    lines += padding.records.map(TestCSV.line)
    lines += bottom.map { $0.csv() }
    #expect(lines.count == rows + 1)
    return try write(lines.joined(separator: "\n") + "\n", to: dir, "limits.csv")
  }

  static func payable(_ run: BatchRun, rule: String, beneficiary: String) -> [[String: String]] {
    run.payouts.filter { $0["rule"] == rule && $0["beneficiary"] == beneficiary && $0["status"] == "payable" }
  }

  @Test func limitsHoldAcrossDistantRowsAndDoNotDependOnChunking() throws {
    let dir = batchTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try Self.makeFile(in: dir)
    let fine = try runBatch(file, asOf: Self.asOf, ["--chunk-rows", "7", "--threads", "2"], in: dir, name: "fine")
    let whole = try runBatch(file, asOf: Self.asOf, ["--chunk-rows", "100000", "--threads", "1"], in: dir, name: "whole")
    for (name, run) in [("--chunk-rows 7", fine), ("--chunk-rows 100000", whole)] {
      #expect(run.status == 0, "\(name): \(run.stderr)")
      #expect(run.rowsRead == 20_000, "\(name): \(run.stdout)")

      // 七（一）: one payment per worker per calendar year of vesting.
      let same = Self.payable(run, rule: "employment-service-subsidy", beneficiary: "LIM-YJ-P1")
      #expect(same.count == 1, "\(name): 线应德 vests twice in 2024: \(same)")
      #expect(same.first?["eligible_from"]?.hasPrefix("2024-") == true, "\(name): \(same)")
      #expect(same.first?["amount"] == "100.00")
      let allOfP1 = run.payouts.filter { $0["rule"] == "employment-service-subsidy" && $0["beneficiary"] == "LIM-YJ-P1" }
      #expect(allOfP1.count == 1, "\(name): the losing claim must not be written: \(allOfP1)")
      let twoYears = Self.payable(run, rule: "employment-service-subsidy", beneficiary: "LIM-YJ-P2")
      #expect(twoYears.count == 2, "\(name): 岳金兰 vests in 2024 and 2025: \(twoYears)")
      #expect(Set(twoYears.compactMap { $0["eligible_from"]?.prefix(4) }) == ["2024", "2025"], "\(name): \(twoYears)")

      // 第二十四条: one-time per worker and enterprise.
      let sameEmployer = Self.payable(run, rule: "enterprise-job-subsidy", beneficiary: "LIM-XX-P1")
      #expect(sameEmployer.count == 1, "\(name): 彭秀梅 twice at XX-LIM-E1: \(sameEmployer)")
      #expect(sameEmployer.first?["payee"] == "XX-LIM-E1")
      #expect(sameEmployer.first?["amount"] == "1000.00")
      let twoEmployers = Self.payable(run, rule: "enterprise-job-subsidy", beneficiary: "LIM-XX-P2")
      #expect(Set(twoEmployers.compactMap { $0["payee"] }) == ["XX-LIM-E1", "XX-LIM-E2"], "\(name): \(twoEmployers)")
      #expect(twoEmployers.count == 2)
    }
    #expect(fine.payoutLines.count == whole.payoutLines.count)
    #expect(fine.payoutLines.sorted() == whole.payoutLines.sorted(), "payouts depend on chunking")
    #expect(fine.rejects.map { $0["line"] ?? "" }.sorted() == whole.rejects.map { $0["line"] ?? "" }.sorted())
  }
}
