import Testing
import PolicyValues

@Suite("Fixed parsing")
struct FixedParsingTests {
  @Test(arguments: [
    ("350", Int64(3_500_000)),
    ("350.5", 3_505_000),
    ("0.4", 4_000),
    ("1.7", 17_000),
    ("-12.25", -122_500),
    ("0", 0),
    ("-0", 0),
    ("007", 70_000),
    ("0.0001", 1),
    ("400.50", 4_005_000),
    ("100000", 1_000_000_000),
    ("922337203685477.5807", Int64.max),
    ("-922337203685477.5808", Int64.min),
  ])
  func accepts(text: String, raw: Int64) {
    #expect(Fixed.parse(text) == Fixed(raw: raw))
    #expect(Fixed.parse(Substring(text)) == Fixed(raw: raw))
    #expect(withBytes(text) { Fixed.parse(utf8: $0) } == Fixed(raw: raw))
  }

  @Test(arguments: [
    "", "-", ".", ".5", "5.", "-.5", "+5", " 5", "5 ", "1e3", "1.23456", "1,000", "1.2.3",
    "--1", "0x10", "١٢", "５", "NaN", "inf",
    "922337203685477.5808",  // Int64.max raw + 1
    "-922337203685477.5809",
    "99999999999999999999",  // overflows the integer accumulator
    "1844674407370955.1616",  // overflows UInt64 only when the fraction is added
  ])
  func rejects(text: String) {
    #expect(Fixed.parse(text) == nil)
    #expect(withBytes(text) { Fixed.parse(utf8: $0) } == nil)
  }

  @Test func parsesASubstringInPlace() {
    let line = "a,1200.5,b"
    let cell = line.split(separator: ",")[1]
    #expect(Fixed.parse(cell) == Fixed(raw: 12_005_000))
  }

  @Test func integerInitialiserChecksOverflow() {
    #expect(Fixed(integer: 26_000) == Fixed(raw: 260_000_000))
    #expect(Fixed(integer: -3) == Fixed(raw: -30_000))
    #expect(Fixed(integer: Int64.max) == nil)
    #expect(Fixed(integer: Int64.max / 10_000 + 1) == nil)
    #expect(Fixed(integer: Int64.max / 10_000) != nil)
  }

  @Test func integerValue() throws {
    #expect(try #require(Fixed.parse("12")).integerValue == 12)
    #expect(try #require(Fixed.parse("-12.0")).integerValue == -12)
    #expect(try #require(Fixed.parse("12.5")).integerValue == nil)
    #expect(try #require(Fixed.parse("12")).isInteger)
    #expect(try !#require(Fixed.parse("0.0001")).isInteger)
  }

  @Test func ordersByValue() throws {
    let values = try ["1.7", "-3", "0.4", "100", "-3.5"].map { try #require(Fixed.parse($0)) }
    #expect(values.sorted().map(\.description) == ["-3.5", "-3", "0.4", "1.7", "100"])
  }
}
