import Testing
import PolicyValues

private func code(_ text: String) throws -> DivisionCode {
  try #require(DivisionCode.parse(text))
}

@Suite("DivisionCode")
struct DivisionCodeTests {
  @Test(arguments: ["533123", "110105", "433101", "650100", "710000", "810000", "820000", "150000", "460000"])
  func parses(text: String) throws {
    let parsed = try code(text)
    #expect(parsed.description == text)
    #expect(DivisionCode.parse(Substring(text)) == parsed)
    #expect(withBytes(text) { DivisionCode.parse(utf8: $0) } == parsed)
    #expect(DivisionCode.diagnose(text) == nil)
  }

  @Test(arguments: [
    ("", "is empty; a division code has 6 digits"),
    ("53312", "has 5 digits; a division code has 6"),
    ("5331230", "has 7 digits; a division code has 6"),
    ("5", "has 1 digit; a division code has 6"),
    ("53312x", "contains `x`; a division code is 6 digits"),
    ("5331 3", "contains ` `; a division code is 6 digits"),
    ("５３３１２３", "contains `５`; a division code is 6 digits"),
    ("-53312", "contains `-`; a division code is 6 digits"),
    ("990000", "`99` is not a province code"),
    ("000000", "`00` is not a province code"),
    ("160000", "`16` is not a province code"),
    ("830000", "`83` is not a province code"),
  ])
  func rejectsWithAReason(text: String, reason: String) {
    #expect(DivisionCode.parse(text) == nil)
    #expect(withBytes(text) { DivisionCode.parse(utf8: $0) } == nil)
    #expect(DivisionCode.diagnose(text) == reason)
    if case .success = DivisionCode.validate(text) { Issue.record("validated \(text)") }
  }

  @Test func provinceCodesAreExactlyTheRealOnes() {
    let real: Set<Int> = [
      11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
      50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
    ]
    for province in 0...99 {
      let text = (province < 10 ? "0" : "") + String(province) + "0101"
      #expect((DivisionCode.parse(text) != nil) == real.contains(province), "\(text)")
    }
  }

  @Test func provinceAndPrefecture() throws {
    let lushui = try code("533123")
    #expect(lushui.province == 53)
    #expect(lushui.prefecture == 5331)
    #expect(lushui.value == 533_123)
  }

  @Test(arguments: [
    ("533123", "533123", Scope.inCounty),
    ("533123", "533102", Scope.inPrefecture),
    ("533123", "530102", Scope.inProvince),
    ("533123", "440305", Scope.outOfProvince),
    ("433101", "433124", Scope.inPrefecture),
  ])
  func scope(from origin: String, to destination: String, expected: Scope) throws {
    #expect(try code(origin).scope(to: code(destination)) == expected)
  }

  @Test func scopeRawValuesAreThePolicyNames() {
    #expect(Scope.allCases.map(\.rawValue) == ["in_county", "in_prefecture", "in_province", "out_of_province"])
    #expect(Scope(rawValue: "in_prefecture") == .inPrefecture)
    #expect(DivisionCode.Scope.inCounty == Scope.inCounty)
  }

  @Test(arguments: [
    ("433101", "43", true),
    ("433101", "4331", true),
    ("433101", "433101", true),
    ("433101", "44", false),
    ("433101", "4332", false),
    ("433101", "433102", false),
    ("433101", "", false),
    ("433101", "4", false),
    ("433101", "433", false),
    ("433101", "43310", false),
    ("433101", "4331010", false),
    ("433101", "43x1", false),
    ("433101", "４３", false),
  ])
  func isWithin(text: String, prefix: String, within: Bool) throws {
    #expect(try code(text).isWithin(prefix: prefix) == within)
    #expect(try code(text).isWithin(prefix: Substring(prefix)) == within)
  }
}
