import Foundation
import PolicyValues
import SubsidyKit
import SubsidySynthetic
import Testing

/// The synthetic batch generator: reproducible, contract-shaped, consistent,
/// with bad rows at the requested rate — the load tests of `subsidy batch` rely on all of it.
@Suite struct GeneratorTests {
  /// The batch CSV columns of shared/contract.md, copied here so a rename in the code fails the test.
  static let contractHeader = [
    "dispatch_id", "person_id", "person_name", "person_id_number", "person_hukou",
    "person_poverty_status", "person_relocated", "person_post_school_youth", "household_id",
    "household_members", "household_labor_income", "household_income_year", "organizer_id",
    "organizer_kind", "organizer_location", "organizer_licensed", "organizer_hr_license",
    "employer_id", "employer_kind", "employer_location", "destination", "organized", "start",
    "end", "contract", "contract_months", "social_insurance", "follow_up", "transport_cost",
    "evidence",
  ]

  /// One sample shared by the tests that only read it (generation is the slow part in debug builds).
  static let sample = parseCSV(SyntheticPopulation(seed: 2024, badRowRate: 0.01).csv(rows: 6_000))

  static func column(_ name: String) -> Int { contractHeader.firstIndex(of: name) ?? -1 }
  static var goodRows: [[String]] { sample.dropFirst().filter { $0[0].hasPrefix("D") } }

  @Test func sameSeedGivesSameBytesAndAnotherSeedDiffers() {
    let a = SyntheticPopulation(seed: 42).csv(rows: 1_500)
    let b = SyntheticPopulation(seed: 42).csv(rows: 1_500)
    let c = SyntheticPopulation(seed: 43).csv(rows: 1_500)
    #expect(a == b)
    #expect(a != c)
  }

  @Test func chunkSizeDoesNotChangeTheBytes() {
    let population = SyntheticPopulation(seed: 9, badRowRate: 0.05)
    let whole = population.chunks(rows: 800).reduce(Data(), +)
    let small = population.chunks(rows: 800, chunkBytes: 100).reduce(Data(), +)
    #expect(whole == small)
  }

  @Test func headerIsExactlyTheContractsAndRowCountIsExact() {
    #expect(SyntheticPopulation.header == Self.contractHeader)
    #expect(Self.sample.first == Self.contractHeader)
    #expect(Self.sample.count == 6_001)
    #expect(Self.sample.allSatisfy { $0.count == 30 })
    #expect(parseCSV(SyntheticPopulation(seed: 1).csv(rows: 0)) == [Self.contractHeader])
  }

  @Test func excelFlavourHasBOMAndCRLF() {
    let text = SyntheticPopulation(seed: 1).csv(rows: 3, excelBOM: true)
    #expect(Array(text.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
    #expect(text.components(separatedBy: "\r\n").count == 5)
  }

  @Test func everyIDNumberInGoodRowsIsValidAndRegisteredInTheHukou() {
    let idColumn = Self.column("person_id_number"), hukouColumn = Self.column("person_hukou")
    var checked = 0
    for row in Self.goodRows where !row[idColumn].isEmpty {
      let number = IDNumber.parse(row[idColumn])
      #expect(number != nil, "\(row[0]): \(row[idColumn])")
      #expect(row[idColumn].hasPrefix(row[hukouColumn]))
      if let year = number?.birthDate.year { #expect((1965...2005).contains(year)) }
      checked += 1
    }
    #expect(checked > 5_000)
  }

  @Test func samePersonOrOrganiserIdAlwaysCarriesTheSameColumns() {
    let personColumns = SyntheticColumn.personColumns.map(\.rawValue)
    let organiserColumns = SyntheticColumn.organizerColumns.map(\.rawValue)
    var people: [String: [String]] = [:], organisers: [String: [String]] = [:]
    for row in Self.sample.dropFirst() {
      let person = personColumns.map { row[$0] }
      #expect(people[row[1], default: person] == person, "person \(row[1])")
      people[row[1]] = person
      let organiserID = row[Self.column("organizer_id")]
      guard !organiserID.isEmpty else { continue }
      let organiser = organiserColumns.map { row[$0] }
      #expect(organisers[organiserID, default: organiser] == organiser, "organiser \(organiserID)")
      organisers[organiserID] = organiser
    }
    let dispatchesPerPerson = Dictionary(grouping: Self.goodRows, by: { $0[1] }).mapValues(\.count)
    #expect(Set(dispatchesPerPerson.values) == [1, 2, 3])
  }

  @Test func allRegionsAndOrganiserKindsOccur() {
    let hukou = Set(Self.goodRows.map { $0[Self.column("person_hukou")] })
    for code in ["533123", "532501", "522732", "433101", "320509"] { #expect(hukou.contains(code), "\(code)") }
    let kinds = Set(Self.goodRows.map { $0[Self.column("organizer_kind")] })
    #expect(kinds.isSuperset(of: [
      "hr_service_agency", "labor_broker", "labor_intermediary", "public_employment_service",
      "labor_cooperative", "lead_entrepreneur", "chamber_of_commerce",
    ]))
    let ends = Self.goodRows.filter { !$0[Self.column("end")].isEmpty }.count
    #expect((0.2...0.45).contains(Double(ends) / Double(Self.goodRows.count)))
  }

  @Test func namesWithCommasAreQuoted() {
    let text = SyntheticPopulation(seed: 2024, badRowRate: 0.01).csv(rows: 6_000)
    let quoted = Self.goodRows.map { $0[2] }.filter { $0.contains(",") }
    #expect(!quoted.isEmpty)
    for name in quoted { #expect(text.contains("\"\(name)\"")) }
  }

  @Test func badRowsComeAtTheRequestedRateEachWithItsDefect() {
    let rows = parseCSV(SyntheticPopulation(seed: 5, badRowRate: 0.05).csv(rows: 8_000)).dropFirst()
    let bad = rows.filter { $0[0].hasPrefix(SyntheticBadRow.idPrefix) }
    #expect((280...520).contains(bad.count), "\(bad.count) bad rows of 8000 at 5 %")
    var kinds = Set<String>()
    for row in bad {
      let kind = String(row[0].split(separator: "-").last ?? "")
      kinds.insert(kind)
      switch SyntheticBadRow(rawValue: kind) {
      case .impossibleDate: #expect(row[Self.column("start")] == "2023-02-30")
      case .shortDivisionCode: #expect(row[Self.column("destination")].count == 5)
      case .unknownEnum: #expect(row[Self.column("person_poverty_status")] == "poor")
      case .yesBoolean: #expect(row[Self.column("organized")] == "yes")
      case .wrongChecksum:
        #expect(row[Self.column("person_id_number")].count == 18)
        #expect(IDNumber.parse(row[Self.column("person_id_number")]) == nil)
      case .emptyHukou: #expect(row[Self.column("person_hukou")].isEmpty)
      case .emptyStart: #expect(row[Self.column("start")].isEmpty)
      case nil: Issue.record("unknown bad-row label \(row[0])")
      }
    }
    #expect(kinds == Set(SyntheticBadRow.allCases.map(\.rawValue)))
    let clean = SyntheticPopulation(seed: 5, badRowRate: 0).csv(rows: 2_000)
    #expect(!clean.contains("\nX"))
  }

  @Test func goodRowsParseAsDatesCodesAndMoney() {
    let first = CivilDate(year: 2016, month: 1, day: 1), last = CivilDate(year: 2025, month: 10, day: 31)
    for row in Self.goodRows {
      let start = CivilDate.parse(row[Self.column("start")])
      #expect(start != nil)
      if let start, let first, let last { #expect((first...last).contains(start), "\(row[0]) starts \(start)") }
      if let end = CivilDate.parse(row[Self.column("end")]), let start { #expect(end > start) }
      #expect(DivisionCode.parse(row[Self.column("destination")]) != nil)
      let cost = row[Self.column("transport_cost")]
      #expect(cost.isEmpty || cost.wholeMatch(of: /[0-9]+\.[0-9]{2}/) != nil)
    }
  }

  @Test func tenThousandRowsAreQuick() {
    let clock = ContinuousClock()
    var bytes = 0
    let elapsed = clock.measure {
      for chunk in SyntheticPopulation(seed: 77).chunks(rows: 10_000) { bytes += chunk.count }
    }
    #expect(bytes > 1_000_000)
    #expect(elapsed < .seconds(5), "10 000 rows took \(elapsed)")
  }

  @Test func generateCommandWritesTheSameCSVToStdout() throws {
    let r = try runCLI(["generate", "--rows", "50", "--seed", "11", "--bad-rate", "0.1"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == SyntheticPopulation(seed: 11, badRowRate: 0.1).csv(rows: 50))
    #expect(try runCLI(["generate", "--rows", "-1"]).status != 0)
  }
}

/// A minimal RFC 4180 reader for the tests: quoted fields with doubled quotes, LF or CRLF.
func parseCSV(_ text: String) -> [[String]] {
  var records: [[String]] = [], record: [String] = [], field = ""
  var inQuotes = false, afterQuote = false
  for character in text.unicodeScalars.drop(while: { $0 == "\u{FEFF}" }) {
    if inQuotes {
      if character == "\"" { inQuotes = false; afterQuote = true } else { field.unicodeScalars.append(character) }
      continue
    }
    switch character {
    case "\"":
      if afterQuote { field += "\"" }
      inQuotes = true
      afterQuote = false
    case ",": record.append(field); field = ""; afterQuote = false
    case "\r": afterQuote = false
    case "\n": record.append(field); records.append(record); record = []; field = ""; afterQuote = false
    default: field.unicodeScalars.append(character); afterQuote = false
    }
  }
  if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
  return records
}
