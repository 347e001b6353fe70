import PolicyValues

/// A household (家庭) and the workers in it, derived from its index alone.
///
/// Deriving instead of storing is what lets 10 million rows stream in constant
/// memory: whenever a worker comes back for a second dispatch, thousands of rows
/// later, the same index and seed give the same name, ID number and hukou.
struct SyntheticHousehold {
  /// Workers per household are at most this many, so person `p` lives in household `p / 3`.
  static let maxWorkers = 3

  let index: Int
  let regionIndex: Int
  let region: SyntheticRegion
  let hukou: String
  let members: Int
  /// How many members work away (1…3, at most `members`).
  let workers: Int
  let surname: String
  let povertyStatus: String
  let relocated: Bool
  /// Labour income in fen, or nil when the household has not reported one.
  let laborIncomeFen: Int?
  let incomeYear: Int?

  var id: String { "H" + SyntheticText.padded(index + 1, width: 7) }

  static let povertyValues = ["registered_poor", "alleviated", "monitored", "none"]
  static let regionShares = SyntheticRegion.all.map(\.share)

  init(index: Int, seed: UInt64) {
    var rng = SyntheticRandom(seed: seed, stream: 1, index: index)
    self.index = index
    regionIndex = rng.weighted(Self.regionShares) ?? 0
    region = SyntheticRegion.all[regionIndex]
    hukou = rng.pick(region.counties) ?? "533123"
    members = 1 + (rng.weighted([5, 10, 18, 25, 22, 12, 8]) ?? 3)
    workers = min(members, 1 + (rng.weighted([45, 35, 20]) ?? 0))
    surname = SyntheticNames.surname(in: region, using: &rng)
    povertyStatus = Self.povertyValues[rng.weighted(region.povertyWeights) ?? 3]
    relocated = rng.percent(region.relocatedPercent)
    if rng.percent(80) {
      // 1 500–12 000 yuan per member and year, so 三都's 5 000-per-member line is crossed both ways.
      let perMember = rng.int(1_500...12_000)
      laborIncomeFen = perMember * members * 100 + (rng.percent(10) ? 50 : 0)
      incomeYear = rng.int(2016...2024)
    } else {
      laborIncomeFen = nil
      incomeYear = nil
    }
  }
}

/// One worker (劳动者): the person columns of every row that names them.
struct SyntheticPerson {
  let index: Int
  let household: SyntheticHousehold
  let name: String
  let birthYear: Int
  /// The 18-character number; always valid (the bad-row maker corrupts a copy).
  let idNumber: String
  /// Whether the roster recorded the ID number (a few rosters leave it blank).
  let idNumberRecorded: Bool
  let povertyStatus: String
  let postSchoolYouth: Bool

  var id: String { "P" + SyntheticText.padded(index + 1, width: 8) }

  /// Person `index`, in household `index / 3`; only meaningful when
  /// `index % 3 < household.workers` (the planner never asks for others).
  init(index: Int, seed: UInt64) {
    household = SyntheticHousehold(index: index / SyntheticHousehold.maxWorkers, seed: seed)
    self.index = index
    var rng = SyntheticRandom(seed: seed, stream: 2, index: index)
    let surname = rng.percent(70) ? household.surname : SyntheticNames.surname(in: household.region, using: &rng)
    var name = SyntheticNames.name(surname: surname, using: &rng)
    if rng.below(1000) < 3 { name += ", 又名" + SyntheticNames.name(surname: surname, using: &rng) }
    self.name = name
    // An ID number identifies one person, so no two people may share one: the birth date and sequence
    // come from a bijection of the person's index onto the 41 × 365 × 500 (year, day, sequence) slots,
    // unique for the first 7.48 million people of a file. The random draws they once came from are
    // still made, so every other field of the file stays as it was.
    let yearDraw = rng.int(1965...2005)
    _ = rng.int(1...CivilDate.daysInMonth(year: yearDraw, month: rng.int(1...12)))
    _ = rng.int(0...499)
    let man = rng.percent(50)
    let (year, dayOfYear, sequenceHalf) = Self.birthSlot(index)
    birthYear = year
    var month = 1, day = dayOfYear + 1
    while day > CivilDate.daysInMonth(year: year, month: month) {
      day -= CivilDate.daysInMonth(year: year, month: month)
      month += 1
    }
    let sequence = sequenceHalf * 2 + (man ? 1 : 0)  // odd for men
    let first17 = household.hukou + SyntheticText.padded((birthYear * 100 + month) * 100 + day, width: 8)
      + SyntheticText.padded(sequence, width: 3)
    idNumber = first17 + String(IDNumber.checkCharacter(for: first17) ?? "X")
    idNumberRecorded = rng.percent(97)
    povertyStatus = rng.percent(88)
      ? household.povertyStatus
      : SyntheticHousehold.povertyValues[rng.weighted(household.region.povertyWeights) ?? 3]
    postSchoolYouth = birthYear >= 1997 && rng.percent(35)
  }

  /// (birth year 1965…2005, day of the year 0…364, sequence 0…499) for a person index: a bijection
  /// of index mod 7,482,500 (the multiplier is prime to 2, 5, 41 and 73, the modulus's factors).
  static func birthSlot(_ index: Int) -> (year: Int, dayOfYear: Int, sequenceHalf: Int) {
    let slots = 41 * 365 * 500
    let k = (index % slots) * 2_654_435_761 % slots
    return (1965 + k / (365 * 500), (k / 500) % 365, k % 500)
  }
}
