import Testing
import PolicyValues

@Suite("CivilDate validation and parsing")
struct CivilDateTests {
  @Test(arguments: [
    ("2024-02-29", 2024, 2, 29),
    ("2023-08-24", 2023, 8, 24),
    ("0001-01-01", 1, 1, 1),
    ("9999-12-31", 9999, 12, 31),
    ("2000-02-29", 2000, 2, 29),
    ("1970-01-01", 1970, 1, 1),
  ])
  func parses(text: String, year: Int, month: Int, day: Int) throws {
    let date = try #require(CivilDate.parse(text))
    #expect(date.year == year && date.month == month && date.day == day)
    #expect(date.description == text)
    #expect(CivilDate.parse(Substring(text)) == date)
    #expect(withBytes(text) { CivilDate.parse(utf8: $0) } == date)
    #expect(CivilDate(year: year, month: month, day: day) == date)
  }

  @Test(arguments: [
    "2023-02-30", "2023-02-29", "1900-02-29", "2023-13-01", "2023-00-10", "2023-04-31",
    "2023-01-00", "2023-1-01", "2023-2-3", "23-02-03", "", "abcd-ef-gh", "0000-01-01",
    "2023/02/03", "2023-02-03 ", " 2023-02-03", "2023-02-03T00:00", "2023-０2-03",
    "+123-02-03", "-123-02-03", "20230203",
  ])
  func rejects(text: String) {
    #expect(CivilDate.parse(text) == nil)
    #expect(withBytes(text) { CivilDate.parse(utf8: $0) } == nil)
  }

  @Test(arguments: [
    (0, 1, 1), (10_000, 1, 1), (2023, 0, 1), (2023, 13, 1), (2023, 1, 0), (2023, 1, 32),
    (2023, 2, 29), (Int.max, 1, 1), (Int.min, 1, 1), (2023, Int.max, 1), (2023, 1, Int.min),
  ])
  func initialiserRejectsImpossibleDates(year: Int, month: Int, day: Int) {
    #expect(CivilDate(year: year, month: month, day: day) == nil)
  }

  @Test(arguments: [(1900, false), (2000, true), (2023, false), (2024, true), (2100, false), (2400, true)])
  func leapYears(year: Int, leap: Bool) {
    #expect(CivilDate.isLeapYear(year) == leap)
    #expect(CivilDate.daysInMonth(year: year, month: 2) == (leap ? 29 : 28))
  }

  @Test func daysInMonth() throws {
    let lengths = (1...12).map { CivilDate.daysInMonth(year: 2023, month: $0) }
    #expect(lengths == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    #expect(CivilDate.daysInMonth(year: 2023, month: 0) == 0)
    #expect(CivilDate.daysInMonth(year: 2023, month: 13) == 0)
    #expect(try #require(CivilDate.parse("2024-02-10")).lastDayOfMonth == 29)
    #expect(try #require(CivilDate.parse("2023-04-30")).lastDayOfMonth == 30)
  }

  @Test func ordersChronologically() throws {
    let dates = try ["2024-01-01", "2023-12-31", "2023-02-28", "0001-01-01", "9999-12-31"]
      .map { try #require(CivilDate.parse($0)) }
    #expect(dates.sorted().map(\.description)
      == ["0001-01-01", "2023-02-28", "2023-12-31", "2024-01-01", "9999-12-31"])
  }

  /// The ten bytes written in place are the zero-padded fields, for every day of years with one to
  /// four digits, and parse back to the same date.
  @Test func everyDayIsWrittenPaddedAndReadBack() throws {
    for year in [1, 9, 10, 99, 100, 999, 1000, 1900, 2000, 2023, 2024, 9999] {
      for month in 1...12 {
        for day in 1...CivilDate.daysInMonth(year: year, month: month) {
          let date = try #require(CivilDate(year: year, month: month, day: day))
          let padded = String(repeating: "0", count: 4 - String(year).count) + String(year) + "-"
            + (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
          #expect(date.description == padded)
          #expect(CivilDate.parse(date.description) == date)
        }
      }
    }
  }
}
