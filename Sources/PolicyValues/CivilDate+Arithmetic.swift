/// Day and month arithmetic on `CivilDate`.
///
/// Policies say things like "stable employment for 3 months" and "within 10
/// days", so the engine needs calendar months (with end-of-month clamping) as
/// well as plain day counts. Everything returns nil rather than trapping when a
/// result would leave years 1…9999, since the counts come from policy text.
extension CivilDate {
  /// Day number of 0001-01-01 and of 9999-12-31 (days since 1970-01-01).
  public static let minDayNumber = -719_162
  public static let maxDayNumber = 2_932_896

  /// Days since 1970-01-01 (negative before it).
  ///
  /// Uses Howard Hinnant's `days_from_civil`, which counts from a March-based
  /// year so that the leap day is the last day of the year.
  public var dayNumber: Int {
    let y = month <= 2 ? year - 1 : year  // y >= 0 because year >= 1
    let era = y / 400
    let yearOfEra = y - era * 400
    let marchMonth = (month + 9) % 12  // March = 0 … February = 11
    let dayOfYear = (153 * marchMonth + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The date `dayNumber` days after 1970-01-01; nil outside years 1…9999.
  /// (Hinnant's `civil_from_days`; the range check comes first so that
  /// huge inputs cannot overflow the intermediate arithmetic.)
  public init?(dayNumber: Int) {
    guard (Self.minDayNumber...Self.maxDayNumber).contains(dayNumber) else { return nil }
    let shifted = dayNumber + 719_468  // >= 0 within the range above
    let era = shifted / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let marchMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
    let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    self.init(year: year, month: month, day: day)
  }

  /// The date `n` days later (earlier for negative `n`); nil out of range.
  public func addingDays(_ n: Int) -> CivilDate? {
    let (target, overflow) = dayNumber.addingReportingOverflow(n)
    return overflow ? nil : CivilDate(dayNumber: target)
  }

  /// The date `n` calendar months later (earlier for negative `n`), clamped to
  /// the end of a shorter month: 2023-01-31 + 1 = 2023-02-28,
  /// 2023-11-30 + 3 = 2024-02-29. nil out of range.
  public func addingMonths(_ n: Int) -> CivilDate? {
    let (total, overflow) = n.addingReportingOverflow(year * 12 + month - 1)
    guard !overflow, total >= 12 else { return nil }  // total < 12 is year 0 or earlier
    let newYear = total / 12
    let newMonth = total % 12 + 1
    guard newYear <= 9999 else { return nil }
    let newDay = min(day, Self.daysInMonth(year: newYear, month: newMonth))
    return CivilDate(year: newYear, month: newMonth, day: newDay)
  }

  /// Days from `self` to `other`: positive when `other` is later, 0 for the same day.
  public func days(until other: CivilDate) -> Int {
    other.dayNumber - dayNumber  // both within ±3 million: cannot overflow
  }
}
