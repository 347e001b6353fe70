/// A calendar date with no time and no time zone (proleptic Gregorian, years 1…9999).
///
/// Policy dates (effective dates, dispatch starts, vesting days) are civil
/// dates as printed on a notice: "2023-08-24" means that day everywhere, so
/// `Foundation.Date` and its time zones would only add ways to be off by one.
///
/// Stored packed in 32 bits (year << 9 | month << 5 | day) so that fact rows
/// stay small and the packed integers compare in calendar order.
public struct CivilDate: Hashable, Comparable, Sendable {
  private let packed: UInt32

  public var year: Int { Int(packed >> 9) }
  public var month: Int { Int((packed >> 5) & 0xF) }
  public var day: Int { Int(packed & 0x1F) }

  /// nil unless the date exists: year 1…9999, month 1…12, day within the month
  /// (so 2023-02-29 and 2023-04-31 are nil).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month),
      day >= 1, day <= Self.daysInMonth(year: year, month: month)
    else { return nil }
    packed = UInt32(year) << 9 | UInt32(month) << 5 | UInt32(day)
  }

  /// The packed form (year << 9 | month << 5 | day): what fact columns store, in calendar order.
  package var packedValue: UInt32 { packed }

  /// A date stored earlier in its packed form (a fact column): it was checked when it was first made.
  package init(packed: UInt32) {
    self.packed = packed
  }

  public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
    lhs.packed < rhs.packed
  }

  /// Gregorian rule: every 4th year, except centuries not divisible by 400
  /// (1900 is not a leap year, 2000 is).
  public static func isLeapYear(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  /// The number of days in a month, or 0 for a month outside 1…12
  /// (so callers can compare against it without a separate check).
  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 1, 3, 5, 7, 8, 10, 12: return 31
    case 4, 6, 9, 11: return 30
    case 2: return isLeapYear(year) ? 29 : 28
    default: return 0
    }
  }

  /// The last day of this date's month (28…31).
  public var lastDayOfMonth: Int {
    Self.daysInMonth(year: year, month: month)
  }
}

extension CivilDate: CustomStringConvertible {
  /// ISO 8601 `YYYY-MM-DD`, the same form `parse` accepts.
  ///
  /// Its ten bytes written in place (a small string, nothing allocated): results, their explanations
  /// and every answer of the server name dates, and padding and joining five strings per date was a
  /// fiftieth of a `POST /v1/eval`.
  public var description: String {
    let (year, month, day) = (year, month, day)  // year 1…9999: always four digits
    return String(unsafeUninitializedCapacity: 10) { out in
      out[0] = ASCII.zero + UInt8(year / 1000)
      out[1] = ASCII.zero + UInt8(year / 100 % 10)
      out[2] = ASCII.zero + UInt8(year / 10 % 10)
      out[3] = ASCII.zero + UInt8(year % 10)
      out[4] = ASCII.minus
      out[5] = ASCII.zero + UInt8(month / 10)
      out[6] = ASCII.zero + UInt8(month % 10)
      out[7] = ASCII.minus
      out[8] = ASCII.zero + UInt8(day / 10)
      out[9] = ASCII.zero + UInt8(day % 10)
      return 10
    }
  }
}
