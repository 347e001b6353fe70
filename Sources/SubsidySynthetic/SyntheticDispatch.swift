import PolicyValues

/// One placement (转移就业) being made into a row: the worker, organiser,
/// destination, dates and flags, drawn so that each region's conditions hold
/// for some rows and fail for others.
struct SyntheticDispatch {
  let person: SyntheticPerson
  let ordinal: Int
  let total: Int
  var organiser: SyntheticOrganiser?
  var organiserRef: SyntheticOrganiserRef?
  var destination = ""
  var scope = 0
  var employerNumber: Int?
  var organized = false
  var start = 0
  var end: Int?
  var contractMonths: Int?
  var socialInsurance = false
  var followUp = false
  var transportFen: Int?
  var evidence: [String] = []

  init(person: SyntheticPerson, ordinal: Int, total: Int) {
    self.person = person
    self.ordinal = ordinal
    self.total = total
  }

  var isLeadEntrepreneur: Bool { organiser?.kind == "lead_entrepreneur" }

  /// Draws everything but the organiser; `earliestStart` is set for a worker's later dispatch.
  mutating func fill(earliestStart: Int?, using rng: inout SyntheticRandom) {
    organized = isLeadEntrepreneur || (organiser != nil ? rng.percent(90) : rng.percent(10))
    pickDestination(using: &rng)
    employerNumber = rng.percent(90) ? rng.int(1...SyntheticEmployer.perDestination) : nil
    pickDates(earliestStart: earliestStart, using: &rng)
    contractMonths = rng.percent(75) ? rng.pick([6, 12, 12, 12, 24, 36]) : nil
    socialInsurance = rng.percent(contractMonths != nil ? 65 : 15)
    followUp = rng.percent(organized ? 65 : 10)
    if rng.percent(70) {
      let yuan = [10...80, 60...250, 150...500, 280...1_500][scope]
      transportFen = rng.int(yuan) * 100 + (rng.percent(50) ? 50 : 0)
    }
    pickEvidence(using: &rng)
  }

  /// Scope by the region's weights (never in-county for a lead entrepreneur,
  /// whose reward counts workers sent out of the county), then a code in it.
  private mutating func pickDestination(using rng: inout SyntheticRandom) {
    let region = person.household.region
    let hukou = person.household.hukou
    var weights = region.scopeWeights
    if isLeadEntrepreneur { weights[0] = 0 }
    scope = rng.weighted(weights) ?? 3
    let candidates: [String]
    switch scope {
    case 0: candidates = [hukou]
    case 1: candidates = region.inPrefecture.filter { $0 != hukou }
    case 2: candidates = region.inProvince
    default: candidates = region.outOfProvince
    }
    if let code = rng.pick(candidates) {
      destination = code
    } else {
      scope = 3
      destination = rng.pick(region.outOfProvince) ?? "440306"
    }
  }

  /// A first placement starts once the worker is 16; a later one after the
  /// previous. Earlier placements of a worker usually have an end date, the
  /// last one seldom (about 30 % of rows overall); some end before 3 months.
  private mutating func pickDates(earliestStart: Int?, using rng: inout SyntheticRandom) {
    let last = SyntheticRowMaker.lastStart
    if let earliestStart {
      start = min(last, earliestStart + rng.int(0...120))
    } else {
      let year = max(rng.int(2016...2025), person.birthYear + 16)
      let yearStart = CivilDate(year: year, month: 1, day: 1)?.dayNumber ?? SyntheticRowMaker.firstStart
      start = min(last, yearStart + rng.below(365))
    }
    let isLast = ordinal + 1 >= total
    end = nil
    if rng.percent(isLast ? 18 : 65) {
      let length = [20...85, 90...364, 365...1_000][rng.weighted([25, 45, 30]) ?? 1]
      let candidate = start + rng.int(length)
      if candidate <= last { end = candidate }
    }
  }

  /// The documents a clerk would have filed for these facts, sometimes one short.
  private mutating func pickEvidence(using rng: inout SyntheticRandom) {
    var list: [String] = []
    if organized { list.append("organized_export_roster") }
    if rng.percent(75) { list.append("income_proof") }
    if rng.percent(75) { list.append("employment_proof") }
    if followUp { list.append("follow_up_record") }
    if contractMonths != nil { list.append("labor_contract") }
    if transportFen != nil { list.append("transport_receipts") }
    if socialInsurance { list.append("social_insurance_record") }
    if person.household.regionIndex == 1 {  // 红河: the co-operation fund's receipts and agreement
      if rng.percent(50) { list += ["expense_receipts", "dual_signature"] }
      if rng.percent(50) { list.append("agreement") }
    }
    if !list.isEmpty, rng.percent(15) { list.remove(at: rng.below(list.count)) }
    evidence = rng.percent(4) ? [] : list
  }
}
