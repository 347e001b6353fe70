/// Turning a dispatch into the 30 cells of its CSV row.
///
/// Money is written from integer fen (`35000` → `350.00`, see `SyntheticText.money`),
/// never through a floating-point value, so amounts round-trip exactly into the engine's Fixed.
extension SyntheticDispatch {
  func write(row: Int, into cells: inout [String]) {
    func set(_ column: SyntheticColumn, _ value: String) { cells[column.rawValue] = value }
    let household = person.household
    set(.dispatchID, "D" + SyntheticText.padded(row + 1, width: 8))
    set(.personID, person.id)
    set(.personName, person.name)
    set(.personIDNumber, person.idNumberRecorded ? person.idNumber : "")
    set(.personHukou, household.hukou)
    set(.personPovertyStatus, person.povertyStatus)
    set(.personRelocated, household.relocated ? "true" : "false")
    set(.personPostSchoolYouth, person.postSchoolYouth ? "true" : "false")
    set(.householdID, household.id)
    set(.householdMembers, String(household.members))
    set(.householdLaborIncome, household.laborIncomeFen.map(SyntheticText.money) ?? "")
    set(.householdIncomeYear, household.incomeYear.map(String.init) ?? "")
    set(.organizerID, organiser?.id ?? "")
    set(.organizerKind, organiser?.kind ?? "")
    set(.organizerLocation, organiser?.location ?? "")
    set(.organizerLicensed, organiser?.licensed ?? "")
    set(.organizerHRLicense, organiser?.hrLicense ?? "")
    if let employerNumber {
      set(.employerID, SyntheticEmployer.id(destination: destination, number: employerNumber))
      set(.employerKind, "enterprise")
      set(.employerLocation, destination)
    } else {
      set(.employerID, "")
      set(.employerKind, "")
      set(.employerLocation, "")
    }
    set(.destination, destination)
    set(.organized, organized ? "true" : "false")
    set(.start, SyntheticText.date(start))
    set(.end, end.map(SyntheticText.date) ?? "")
    set(.contract, contractMonths != nil ? "true" : "false")
    set(.contractMonths, contractMonths.map(String.init) ?? "")
    set(.socialInsurance, socialInsurance ? "true" : "false")
    set(.followUp, followUp ? "true" : "false")
    set(.transportCost, transportFen.map(SyntheticText.money) ?? "")
    set(.evidence, SyntheticText.joined(evidence))
  }
}
