/// The organisers (组织机构) and employers (用工企业) synthetic dispatches name.
///
/// Organisers are a fixed, small table per region built once from the seed, so
/// each `organizer_id` is reused by thousands of rows and always carries the
/// same kind, location and licences (the batch reader may check that).
/// Employers are not stored at all: their columns follow from their id.
enum SyntheticOrganiserRole: Int, CaseIterable, Sendable {
  case hrAgency, broker, intermediary, publicService, licensedCooperative, cooperative, leadEntrepreneur, chamber

  /// The `organization_kind` enum value.
  var kind: String {
    switch self {
    case .hrAgency: "hr_service_agency"
    case .broker: "labor_broker"
    case .intermediary: "labor_intermediary"
    case .publicService: "public_employment_service"
    case .licensedCooperative, .cooperative: "labor_cooperative"
    case .leadEntrepreneur: "lead_entrepreneur"
    case .chamber: "chamber_of_commerce"
    }
  }

  /// How many of this role each region has (one public employment service per county).
  func count(in region: SyntheticRegion) -> Int {
    switch self {
    case .publicService: region.counties.count
    case .hrAgency, .licensedCooperative, .cooperative: 4
    default: 3
    }
  }

  /// Percentage licensed (资质): agencies almost always, brokers about half.
  var licensedPercent: Int {
    switch self {
    case .hrAgency, .publicService: 95
    case .intermediary: 70
    case .broker: 50
    case .chamber: 60
    case .licensedCooperative, .cooperative: 80
    case .leadEntrepreneur: 0
    }
  }
}

/// One organiser's columns, as written to every row that names it.
struct SyntheticOrganiser: Sendable {
  let id: String
  let kind: String
  let location: String
  let licensed: String
  /// `true`/`false` for co-operatives, empty (null) for other kinds.
  let hrLicense: String
}

extension SyntheticOrganiser {
  /// The organiser table for one region, by role (`roles[role.rawValue]`).
  /// Ids are `O<county>-<nn>` so a reader can see where one comes from.
  static func table(region: SyntheticRegion, seed: UInt64, regionIndex: Int) -> [[SyntheticOrganiser]] {
    var rng = SyntheticRandom(seed: seed, stream: 10, index: regionIndex)
    var serial = 0
    return SyntheticOrganiserRole.allCases.map { role in
      guard role != .leadEntrepreneur, region.organiserWeights[role.rawValue] > 0 else { return [] }
      return (0..<role.count(in: region)).map { n in
        serial += 1
        let home = region.counties[role == .publicService ? n : rng.below(region.counties.count)]
        let location = rng.percent(15) ? (rng.pick(region.outsideOrganiserLocations) ?? home) : home
        return SyntheticOrganiser(
          id: "O\(region.counties[0])-\(twoDigits(serial))",
          kind: role.kind,
          location: role == .publicService ? home : location,
          licensed: rng.percent(role.licensedPercent) ? "true" : "false",
          hrLicense: role == .licensedCooperative ? "true" : role == .cooperative ? "false" : "")
      }
    }
  }

  /// 三都's lead entrepreneurs (带头能人), individuals from the county's database.
  static func leadEntrepreneur(_ n: Int) -> SyntheticOrganiser {
    SyntheticOrganiser(
      id: "L522732-\(twoDigits(n + 1))", kind: "lead_entrepreneur", location: "522732", licensed: "false", hrLicense: "")
  }

  static func twoDigits(_ n: Int) -> String {
    n < 10 ? "0\(n)" : String(n)
  }
}

/// An employer at a destination: `E<destination>-<k>`, always an `enterprise`
/// located at the destination (so 湘西 placements inside 4331xx have local employers).
enum SyntheticEmployer {
  static let perDestination = 4

  static func id(destination: String, number: Int) -> String {
    "E\(destination)-\(number)"
  }
}
