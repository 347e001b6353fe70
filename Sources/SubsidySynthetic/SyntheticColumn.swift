/// The batch CSV columns of shared/contract.md, in the order the generator writes them.
///
/// The names are the contract's and must not change; the order is free for
/// readers, but fixed here so that the same seed gives the same bytes.
public enum SyntheticColumn: Int, CaseIterable, Sendable {
  case dispatchID, personID, personName, personIDNumber, personHukou, personPovertyStatus,
    personRelocated, personPostSchoolYouth, householdID, householdMembers, householdLaborIncome,
    householdIncomeYear, organizerID, organizerKind, organizerLocation, organizerLicensed,
    organizerHRLicense, employerID, employerKind, employerLocation, destination, organized,
    start, end, contract, contractMonths, socialInsurance, followUp, transportCost, evidence

  /// The header name.
  public var name: String {
    Self.names[rawValue]
  }

  static let names = [
    "dispatch_id", "person_id", "person_name", "person_id_number", "person_hukou",
    "person_poverty_status", "person_relocated", "person_post_school_youth", "household_id",
    "household_members", "household_labor_income", "household_income_year", "organizer_id",
    "organizer_kind", "organizer_location", "organizer_licensed", "organizer_hr_license",
    "employer_id", "employer_kind", "employer_location", "destination", "organized", "start",
    "end", "contract", "contract_months", "social_insurance", "follow_up", "transport_cost",
    "evidence",
  ]

  /// The person columns: identical on every row with the same `person_id`.
  public static let personColumns: [SyntheticColumn] = [
    .personName, .personIDNumber, .personHukou, .personPovertyStatus, .personRelocated,
    .personPostSchoolYouth, .householdID,
  ]

  /// The organiser columns: identical on every row with the same `organizer_id`.
  public static let organizerColumns: [SyntheticColumn] = [
    .organizerKind, .organizerLocation, .organizerLicensed, .organizerHRLicense,
  ]
}
