import Testing
import PolicyValues

/// Parses a literal the test knows is valid; failing loudly if not.
private func f(_ text: String) throws -> Fixed {
  try #require(Fixed.parse(text))
}

@Suite("Fixed arithmetic")
struct FixedArithmeticTests {
  @Test(arguments: [
    ("1200", "1.7", "2040"),
    ("350.5", "2", "701"),
    ("-12.25", "4", "-49"),
    ("0.0001", "0.5", "0.0001"),  // 0.00005 rounds away from zero
    ("-0.0001", "0.5", "-0.0001"),
    ("0.0001", "0.4999", "0"),
    ("1.2345", "1.2345", "1.524"),  // 1.52399025
    ("-1.5", "-2", "3"),
    ("100000", "0", "0"),
  ])
  func multiplies(a: String, b: String, product: String) throws {
    #expect(try f(a).multiplied(by: f(b)) == f(product))
    #expect(try f(b).multiplied(by: f(a)) == f(product))
  }

  @Test(arguments: [
    ("26000", "4", "6500"),
    ("19999", "4", "4999.75"),
    ("1", "3", "0.3333"),
    ("2", "3", "0.6667"),
    ("-2", "3", "-0.6667"),
    ("2", "-3", "-0.6667"),
    ("-1", "-8", "0.125"),
    ("0.0001", "2", "0.0001"),  // 0.00005 rounds away from zero
    ("-0.0001", "2", "-0.0001"),
    ("0", "7", "0"),
  ])
  func divides(a: String, b: String, quotient: String) throws {
    #expect(try f(a).divided(by: f(b)) == f(quotient))
  }

  @Test func divisionByZeroIsNil() throws {
    #expect(try f("1").divided(by: .zero) == nil)
    #expect(Fixed.zero.divided(by: .zero) == nil)
  }

  @Test func addsAndSubtracts() throws {
    #expect(try f("0.1").adding(f("0.2")) == f("0.3"))
    #expect(try f("400").subtracting(f("400.5")) == f("-0.5"))
  }

  @Test func overflowIsNil() throws {
    let max = Fixed(raw: .max)
    let min = Fixed(raw: .min)
    let tiny = Fixed(raw: 1)
    #expect(max.adding(tiny) == nil)
    #expect(min.subtracting(tiny) == nil)
    #expect(min.negated() == nil)
    #expect(max.negated() == Fixed(raw: -Int64.max))
    #expect(try max.multiplied(by: f("2")) == nil)
    #expect(try max.multiplied(by: f("1")) == max)
    #expect(try min.multiplied(by: f("1")) == min)
    #expect(try min.multiplied(by: f("-1")) == nil)
    #expect(min.multiplied(by: min) == nil)
    #expect(try max.divided(by: f("0.5")) == nil)
    #expect(max.divided(by: tiny) == nil)  // × 10 000
    #expect(try min.divided(by: f("-1")) == nil)
    #expect(try min.divided(by: f("1")) == min)
  }

  @Test(arguments: [
    ("0.125", "0.13"),
    ("-0.125", "-0.13"),
    ("0.1249", "0.12"),
    ("-0.1249", "-0.12"),
    ("0.005", "0.01"),
    ("-0.005", "-0.01"),
    ("0.0049", "0"),
    ("2040", "2040"),
    ("4999.75", "4999.75"),
    ("1.9999", "2"),
  ])
  func roundsToFenHalfAwayFromZero(value: String, rounded: String) throws {
    #expect(try f(value).roundedToFen() == f(rounded))
  }

  @Test func fenRoundingNearTheLimitsNeverTraps() {
    // The limits end in …807 / −…808 raw units: under half a fen past the
    // last whole fen, so they round toward zero; the block below rounds up to it.
    #expect(Fixed(raw: .max).roundedToFen() == Fixed(raw: .max - 7))
    #expect(Fixed(raw: .min).roundedToFen() == Fixed(raw: .min + 8))
    #expect(Fixed(raw: .max - 57).roundedToFen() == Fixed(raw: .max - 7))
    #expect(Fixed(raw: .min + 58).roundedToFen() == Fixed(raw: .min + 8))
  }
}
