import PolicyValues

/// Moves a case into one policy's jurisdiction while keeping every placement's scope.
///
/// Each policy only covers its own people (its jurisdiction anchors on the worker's 户籍), so to
/// ask "what would this cohort get here?" the cohort must be made local: a worker from outside
/// gets a household registration inside the jurisdiction, and every other place of the case is
/// moved so that it stands in the same relation to the new home as it did to the old one (a job in
/// the home county stays in the home county, an out-of-province job stays out of the province).
public struct Localizer: Sendable {
  /// The jurisdiction prefix (2, 4 or 6 digits).
  public let jurisdiction: String
  /// Where a worker from outside is registered: the jurisdiction itself when it is a county,
  /// otherwise a fixed county in it (4331 → 433101, 52 → 520102).
  public let home: DivisionCode

  /// Provinces an out-of-province place is moved to when its old province is the new home's, in order of preference.
  static let otherProvinces = [44, 35, 33, 11, 31]

  public init?(jurisdiction: String) {
    let digits = jurisdiction.utf8.count
    let text: String
    switch digits {
    case 6: text = jurisdiction
    case 4: text = jurisdiction + "01"
    case 2: text = jurisdiction + "0102"
    default: return nil
    }
    guard let home = DivisionCode.parse(text) else { return nil }
    self.jurisdiction = jurisdiction
    self.home = home
  }

  /// The worker's new household registration: unchanged when already inside, else `home`.
  public func hukou(_ old: DivisionCode) -> DivisionCode {
    old.isWithin(prefix: jurisdiction) ? old : home
  }

  /// `code` moved from a case whose home was `oldHome` to one whose home is `newHome`, so that
  /// `newHome.scope(to: result) == oldHome.scope(to: code)`. The county (and prefecture) digits
  /// of the old place are kept where the scope allows, so distinct places usually stay distinct.
  public func place(_ code: DivisionCode, from oldHome: DivisionCode, to newHome: DivisionCode) -> DivisionCode {
    if oldHome == newHome { return code }
    let county = Int(code.value) % 100, prefectureDigits = code.prefecture % 100
    let home = Int(newHome.value)
    switch oldHome.scope(to: code) {
    case .inCounty:
      return newHome
    case .inPrefecture:
      for suffix in [county, 1, 2, 3] where suffix != home % 100 {
        if let c = Self.code(newHome.prefecture * 100 + suffix) { return c }
      }
    case .inProvince:
      for p in [prefectureDigits, 1, 2, 3] where p != newHome.prefecture % 100 {
        if let c = Self.code((newHome.province * 100 + p) * 100 + max(county, 1)) { return c }
      }
    case .outOfProvince:
      if code.province != newHome.province { return code }
      for province in Self.otherProvinces where province != newHome.province {
        if let c = Self.code(province * 10_000 + Int(code.value) % 10_000) { return c }
      }
    }
    return code
  }

  static func code(_ number: Int) -> DivisionCode? { DivisionCode.parse(String(number)) }
}
