/// An 18-character resident identity card number (居民身份证号, GB 11643-1999).
///
/// Layout: 6-digit region of first registration, 8-digit birth date
/// (YYYYMMDD), 3-digit sequence (odd for men), and an ISO 7064 MOD 11-2 check
/// character (a digit or `X`). Validation checks all of these so that a
/// mistyped number in a roster is caught before it decides an age rule.
///
/// Personal data: `description` prints the `masked` form, so an ID number
/// interpolated into a log or diagnostic does not leak. Use `value` on purpose
/// when the full number is needed.
public struct IDNumber: Hashable, Sendable {
  /// The full 18 characters, with a lowercase check `x` normalised to `X`.
  public let value: String
  /// The first six digits: the region where the number was issued.
  public let region: DivisionCode
  /// Digits 7–14.
  public let birthDate: CivilDate

  /// `value` with the birth date hidden, as on printed rosters: the first six
  /// characters, eight `*`, then the last four (`533123********123X`).
  public var masked: String {
    String(value.prefix(6)) + String(repeating: "*", count: 8) + String(value.suffix(4))
  }

  /// The number, or the first reason it is not valid (length, characters,
  /// region, birth date, then check character, in that order).
  public static func validate(_ text: String) -> Result<IDNumber, IDNumberProblem> {
    let count = text.count
    guard count == 18 else { return .failure(.wrongLength(count)) }
    var weightedSum = 0
    for (offset, character) in text.enumerated() {
      if let digit = character.asciiValue.flatMap(ASCII.digit) {
        if offset < 17 { weightedSum += weights[offset] * Int(digit) }
      } else if offset != 17 || (character != "X" && character != "x") {
        return .failure(.nonDigit(position: offset + 1, character: character))
      }
    }
    // From here every character is one ASCII byte.
    var bytes = Array(text.utf8)
    let regionText = String(decoding: bytes[0..<6], as: UTF8.self)
    let region: DivisionCode
    switch DivisionCode.validate(regionText) {
    case .success(let code): region = code
    case .failure(let problem): return .failure(.badRegion(regionText, problem))
    }
    guard let year = ASCII.number(bytes, from: 6, count: 4),
      let month = ASCII.number(bytes, from: 10, count: 2),
      let day = ASCII.number(bytes, from: 12, count: 2),
      let birthDate = CivilDate(year: year, month: month, day: day)
    else {
      return .failure(.impossibleBirthDate(String(decoding: bytes[6..<14], as: UTF8.self)))
    }
    let expected = checkCharacters[weightedSum % 11]
    if bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
    guard bytes[17] == expected else {
      return .failure(.checksumMismatch(
        expected: Character(Unicode.Scalar(expected)), got: Character(Unicode.Scalar(bytes[17]))))
    }
    return .success(IDNumber(
      value: String(decoding: bytes, as: UTF8.self), region: region, birthDate: birthDate))
  }

  /// The number if `text` is valid, else nil (when the reason is not needed).
  public static func parse(_ text: String) -> IDNumber? {
    try? validate(text).get()
  }

  /// The check character (`0`–`9` or `X`) that completes the given first 17
  /// digits, or nil if `first17` is not exactly 17 ASCII digits. Public so that
  /// tests and fixtures elsewhere can build valid numbers instead of guessing.
  public static func checkCharacter(for first17: String) -> Character? {
    guard first17.utf8.count == 17 else { return nil }
    var weightedSum = 0
    for (weight, byte) in zip(weights, first17.utf8) {
      guard let digit = ASCII.digit(byte) else { return nil }
      weightedSum += weight * Int(digit)
    }
    return Character(Unicode.Scalar(checkCharacters[weightedSum % 11]))
  }

  /// ISO 7064 MOD 11-2 as GB 11643 applies it: weight i is 2^(17−i) mod 11,
  /// and the check is the character that makes the full sum ≡ 1 (mod 11),
  /// indexed here by (sum of the first 17 weighted digits) mod 11.
  static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  static let checkCharacters = Array("10X98765432".utf8)
}

extension IDNumber: CustomStringConvertible, CustomDebugStringConvertible {
  /// The masked form, so interpolating an ID number never prints it in full.
  public var description: String { masked }
  public var debugDescription: String { "IDNumber(\(masked))" }
}
