import Testing
import PolicyValues

@Suite("IDNumber")
struct IDNumberTests {
  /// The helper against numbers published with a known check character
  /// (the GB 11643-1999 example and one ending in 0), so both it and the library
  /// are anchored to outside truth.
  @Test(arguments: ["11010519491231002X", "440524188001010014"])
  func publishedExamples(number: String) throws {
    #expect(TestIDs.complete(String(number.prefix(17))) == number)
    let id = try IDNumber.validate(number).get()
    #expect(id.value == number)
  }

  @Test(arguments: [
    "53312319900101123", "11010519491231002", "44052418800101001", "43310120000229456",
    "65010119991231000", "82000019700101999", "53312320240229001",
  ])
  func validNumbers(first17: String) throws {
    let number = TestIDs.complete(first17)
    let id = try IDNumber.validate(number).get()
    #expect(id.value == number)
    #expect(id.region == DivisionCode.parse(String(first17.prefix(6))))
    #expect(IDNumber.checkCharacter(for: first17) == number.last)
    #expect(IDNumber.parse(number) == id)
  }

  @Test func everyCheckCharacterOccurs() throws {
    // Vary the sequence digits until each of 0–9 and X has been produced and accepted.
    var seen = Set<Character>()
    for sequence in 0..<200 {
      let seq = String(sequence)
      let first17 = "53312319900101" + String(repeating: "0", count: 3 - seq.count) + seq
      let number = TestIDs.complete(first17)
      #expect(throws: Never.self) { try IDNumber.validate(number).get() }
      if let last = number.last { seen.insert(last) }
    }
    #expect(seen == Set("0123456789X"))
  }

  @Test func birthDateAndMasking() throws {
    let number = TestIDs.complete("53312319900101123")
    let id = try IDNumber.validate(number).get()
    #expect(id.birthDate == CivilDate(year: 1990, month: 1, day: 1))
    #expect(id.masked == "533123********123" + String(number.suffix(1)))
    #expect(id.description == id.masked)
    #expect(!"\(id)".contains("19900101"))
  }

  @Test func maskingMatchesTheSpecExample() throws {
    // Find a 533123 number with sequence 123 whose check character is X.
    let candidates = (1900...2000).map { TestIDs.complete("533123\($0)0101123") }
    let withX = try #require(candidates.first { $0.hasSuffix("X") })
    #expect(try IDNumber.validate(withX).get().masked == "533123********123X")
  }

  @Test func lowercaseXIsAcceptedAndNormalised() throws {
    let number = "11010519491231002X"
    let id = try IDNumber.validate("11010519491231002x").get()
    #expect(id.value == number)
    #expect(id == (try IDNumber.validate(number).get()))
  }

  @Test(arguments: [
    ("", IDNumberProblem.wrongLength(0)),
    ("53312319900101123", .wrongLength(17)),
    ("5331231990010112345", .wrongLength(19)),
    ("53312319900101A234", .nonDigit(position: 15, character: "A")),
    ("53312319900101123Y", .nonDigit(position: 18, character: "Y")),
    ("X33123199001011234", .nonDigit(position: 1, character: "X")),
    ("５33123199001011234", .nonDigit(position: 1, character: "５")),
    ("990000199001011234", .badRegion("990000", .unknownProvince("99"))),
    ("533123199002301234", .impossibleBirthDate("19900230")),
    ("533123190002291234", .impossibleBirthDate("19000229")),
    ("533123000001011234", .impossibleBirthDate("00000101")),
    ("533123199013011234", .impossibleBirthDate("19901301")),
  ])
  func invalidNumbers(text: String, problem: IDNumberProblem) {
    switch IDNumber.validate(text) {
    case .success: Issue.record("accepted \(text)")
    case .failure(let found): #expect(found == problem)
    }
    #expect(IDNumber.parse(text) == nil)
  }

  @Test func checksumMismatchNamesBothCharacters() {
    let wrong = "110105194912310023"  // the GB example ends in X
    #expect(IDNumber.validate(wrong) == .failure(.checksumMismatch(expected: "X", got: "3")))
    #expect(IDNumberProblem.checksumMismatch(expected: "X", got: "3").description
      == "expected check digit `X`, got `3`")
    let other = TestIDs.withWrongCheck("53312319900101123")
    guard case .failure(.checksumMismatch) = IDNumber.validate(other) else {
      Issue.record("\(other) should fail its checksum")
      return
    }
  }

  @Test func problemDescriptions() {
    #expect(IDNumberProblem.wrongLength(17).description == "has 17 characters; an ID number has 18")
    #expect(IDNumberProblem.nonDigit(position: 3, character: "a").description
      == "character 3 is `a`; the first 17 characters must be digits")
    #expect(IDNumberProblem.badRegion("990000", .unknownProvince("99")).description
      == "region `990000` (digits 1–6) is not a division code: `99` is not a province code")
    #expect(IDNumberProblem.impossibleBirthDate("19900230").description
      == "birth date `19900230` (digits 7–14) is not a real YYYYMMDD date")
  }

  @Test func checkCharacterRejectsBadInput() {
    #expect(IDNumber.checkCharacter(for: "") == nil)
    #expect(IDNumber.checkCharacter(for: "5331231990010112") == nil)
    #expect(IDNumber.checkCharacter(for: "53312319900101123X") == nil)
    #expect(IDNumber.checkCharacter(for: "5331231990010112X") == nil)
  }
}
