import Testing
import PolicyValues

private func d(_ text: String) throws -> CivilDate {
  try #require(CivilDate.parse(text))
}

@Suite("CivilDate arithmetic")
struct CivilDateArithmeticTests {
  @Test(arguments: [
    ("2023-11-30", 3, "2024-02-29"),
    ("2023-01-31", 1, "2023-02-28"),
    ("2024-01-31", 1, "2024-02-29"),
    ("2023-08-24", 3, "2023-11-24"),
    ("2023-08-31", 1, "2023-09-30"),
    ("2023-12-15", 1, "2024-01-15"),
    ("2023-03-31", -1, "2023-02-28"),
    ("2024-03-31", -1, "2024-02-29"),
    ("2024-01-15", -1, "2023-12-15"),
    ("2024-02-29", 12, "2025-02-28"),
    ("2024-02-29", 48, "2028-02-29"),
    ("2023-05-20", 0, "2023-05-20"),
    ("2023-05-20", -24, "2021-05-20"),
    ("0001-12-31", -11, "0001-01-31"),
    ("9999-01-31", 11, "9999-12-31"),
  ])
  func addsMonthsWithClamping(start: String, months: Int, expected: String) throws {
    #expect(try d(start).addingMonths(months) == d(expected))
  }

  @Test func monthsOutOfRangeAreNil() throws {
    #expect(try d("0001-12-31").addingMonths(-12) == nil)
    #expect(try d("9999-12-31").addingMonths(1) == nil)
    #expect(try d("2023-01-01").addingMonths(Int.max) == nil)
    #expect(try d("2023-01-01").addingMonths(Int.min) == nil)
  }

  @Test(arguments: [
    ("1970-01-01", 0),
    ("1970-01-02", 1),
    ("1969-12-31", -1),
    ("2000-03-01", 11_017),
    ("2024-02-29", 19_782),
    ("0001-01-01", CivilDate.minDayNumber),
    ("9999-12-31", CivilDate.maxDayNumber),
  ])
  func dayNumbers(text: String, number: Int) throws {
    let date = try d(text)
    #expect(date.dayNumber == number)
    #expect(CivilDate(dayNumber: number) == date)
  }

  @Test func dayNumberLimits() {
    #expect(CivilDate.minDayNumber == -719_162)
    #expect(CivilDate(dayNumber: CivilDate.minDayNumber - 1) == nil)
    #expect(CivilDate(dayNumber: CivilDate.maxDayNumber + 1) == nil)
    #expect(CivilDate(dayNumber: .max) == nil)
    #expect(CivilDate(dayNumber: .min) == nil)
  }

  /// Every day in 1899…2101 (leap centuries on both sides) round-trips and is one day after the last.
  @Test func dayNumberRoundTripsDayByDay() throws {
    var previous = try d("1899-12-31")
    var count = 0
    for year in 1900...2101 {
      for month in 1...12 {
        for day in 1...CivilDate.daysInMonth(year: year, month: month) {
          let date = try #require(CivilDate(year: year, month: month, day: day))
          #expect(date.dayNumber == previous.dayNumber + 1)
          #expect(CivilDate(dayNumber: date.dayNumber) == date)
          #expect(previous < date)
          previous = date
          count += 1
        }
      }
    }
    #expect(count == 202 * 365 + 49)  // 1900 and 2100 not leap; 2000 is
  }

  @Test func dayNumberRoundTripsAcrossTheWholeRange() throws {
    for number in stride(from: CivilDate.minDayNumber, through: CivilDate.maxDayNumber, by: 997) {
      let date = try #require(CivilDate(dayNumber: number))
      #expect(date.dayNumber == number)
    }
  }

  @Test func addsDays() throws {
    #expect(try d("2023-12-25").addingDays(10) == d("2024-01-04"))
    #expect(try d("2024-03-01").addingDays(-1) == d("2024-02-29"))
    #expect(try d("2023-03-01").addingDays(-1) == d("2023-02-28"))
    #expect(try d("9999-12-31").addingDays(1) == nil)
    #expect(try d("0001-01-01").addingDays(-1) == nil)
    #expect(try d("2023-01-01").addingDays(.max) == nil)
    #expect(try d("2023-01-01").addingDays(.min) == nil)
  }

  @Test func daysUntil() throws {
    #expect(try d("2023-08-24").days(until: d("2023-09-03")) == 10)
    #expect(try d("2023-09-03").days(until: d("2023-08-24")) == -10)
    #expect(try d("2024-01-01").days(until: d("2025-01-01")) == 366)
    #expect(try d("2023-05-05").days(until: d("2023-05-05")) == 0)
  }
}
