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
  /// characters, eight `*`, then the last four (`533123********123X`). Through `PIIMask`,
  /// the one masker of personal data.
  public var masked: String { PIIMask.masked(value) }

  /// The number, or the first reason it is not valid (length, characters,
  /// region, birth date, then check character, in that order).
  public static func validate(_ text: String) -> Result<IDNumber, IDNumberProblem> {
    var text = text
    if let id = text.withUTF8(parseASCII) { return .success(id) }
    return .failure(problem(text))
  }

  /// `validate` on UTF-8 bytes (a CSV cell, a YAML scalar): a valid number costs one pass and the
  /// `String` of its value; only a bad one is decoded to text, for its message.
  public static func validate(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Result<IDNumber, IDNumberProblem> {
    if let id = parseASCII(bytes) { return .success(id) }
    return .failure(problem(String(decoding: bytes, as: UTF8.self)))
  }

  /// The whole check on bytes: 17 digits and a check character (ISO 7064 MOD 11-2), a region that is
  /// a division code, a real birth date. Nil when any of them fails. Not generic, so it costs the
  /// same in a debug build as in a release one.
  static func parseASCII(_ b: UnsafeBufferPointer<UInt8>) -> IDNumber? {
    guard let (_, region, birthDate) = parsePacked(b) else { return nil }
    let value = String(unsafeUninitializedCapacity: 18) { out in
      _ = out.initialize(from: b)
      // The check character, a lowercase `x` as `X`.
      if b[17] == UInt8(ascii: "x") { out[17] = UInt8(ascii: "X") }
      return 18
    }
    return IDNumber(value: value, region: region, birthDate: birthDate)
  }

  /// The whole check of `parseASCII`, answering the number in its packed form (`packed(_:)`) with its
  /// region and birth date, and no `String`: the batch's column path, for every person of a file.
  public static func parsePacked(_ b: UnsafeBufferPointer<UInt8>) -> (packed: Int64, region: DivisionCode, birthDate: CivilDate)? {
    guard let (packed, check) = digits(b) else { return nil }
    var last = b[17]
    if last == UInt8(ascii: "x") { last = UInt8(ascii: "X") }
    guard last == check,
      let region = DivisionCode.parse(utf8: UnsafeBufferPointer(rebasing: b[0..<6]))
    else { return nil }
    func number(_ from: Int, _ count: Int) -> Int {
      var n = 0
      for i in from..<(from + count) { n = n * 10 + Int(b[i] &- ASCII.zero) }
      return n
    }
    guard let birthDate = CivilDate(year: number(6, 4), month: number(10, 2), day: number(12, 2)) else { return nil }
    return (packed, region, birthDate)
  }

  /// Why `text` (which `parseASCII` refused) is not a valid number, in the order of `validate`.
  static func problem(_ text: String) -> IDNumberProblem {
    let count = text.count
    guard count == 18 else { return .wrongLength(count) }
    var weightedSum = 0
    for (offset, character) in text.enumerated() {
      if let digit = character.asciiValue.flatMap(ASCII.digit) {
        if offset < 17 { weightedSum += weights[offset] * Int(digit) }
      } else if offset != 17 || (character != "X" && character != "x") {
        return .nonDigit(position: offset + 1, character: character)
      }
    }
    // From here every character is one ASCII byte.
    var bytes = Array(text.utf8)
    let regionText = String(decoding: bytes[0..<6], as: UTF8.self)
    if case .failure(let problem) = DivisionCode.validate(regionText) { return .badRegion(regionText, problem) }
    guard let year = ASCII.number(bytes, from: 6, count: 4),
      let month = ASCII.number(bytes, from: 10, count: 2),
      let day = ASCII.number(bytes, from: 12, count: 2),
      CivilDate(year: year, month: month, day: day) != nil
    else {
      return .impossibleBirthDate(String(decoding: bytes[6..<14], as: UTF8.self))
    }
    if bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
    return .checksumMismatch(expected: Character(Unicode.Scalar(checkCharacters[weightedSum % 11])), got: Character(Unicode.Scalar(bytes[17])))
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

  /// A number held in 8 bytes (a fact column's form, `FactColumn.Codec.idNumber`): its first 17
  /// digits as an integer. The check character is not kept, as it follows from them; so only text
  /// whose check character is right has this form (and then exactly one: `text(packed:)` gives it
  /// back byte for byte). The region and birth date are not checked here: that is the decoder's
  /// (`parsePacked`), which every number read from a file has passed.
  public static func packed(_ text: String) -> Int64? {
    var text = text
    return text.withUTF8 { b -> Int64? in
      guard let (packed, check) = digits(b) else { return nil }
      return b[17] == check ? packed : nil
    }
  }

  /// The first 17 bytes of an 18-byte number read as digits: their value, and the check character
  /// they call for. Nil when `b` is not 18 bytes or one of the 17 is not a digit.
  @inline(__always)
  private static func digits(_ b: UnsafeBufferPointer<UInt8>) -> (packed: Int64, check: UInt8)? {
    guard b.count == 18 else { return nil }
    var weightedSum = 0
    var packed: Int64 = 0
    for offset in 0..<17 {
      guard let digit = ASCII.digit(b[offset]) else { return nil }
      weightedSum += weights[offset] * Int(digit)
      packed = packed &* 10 &+ Int64(digit)
    }
    return (packed, checkCharacters[weightedSum % 11])
  }

  /// The 18 characters of a packed number (`packed(_:)`), written into `out` (18 bytes).
  public static func write(packed: Int64, into out: UnsafeMutableBufferPointer<UInt8>) {
    precondition(out.count >= 18 && packed >= 0 && packed < 100_000_000_000_000_000, "not a packed ID number")
    var rest = packed
    for offset in stride(from: 16, through: 0, by: -1) {
      out[offset] = ASCII.zero &+ UInt8(truncatingIfNeeded: rest % 10)
      rest /= 10
    }
    out[17] = checkCharacter(packed: packed)
  }

  /// The text of a packed number (`packed(_:)`).
  public static func text(packed: Int64) -> String {
    String(unsafeUninitializedCapacity: 18) { out in
      write(packed: packed, into: out)
      return 18
    }
  }

  /// The check character completing a packed number's 17 digits.
  static func checkCharacter(packed: Int64) -> UInt8 {
    var weightedSum = 0, rest = packed
    for offset in stride(from: 16, through: 0, by: -1) {
      weightedSum += weights[offset] * Int(rest % 10)
      rest /= 10
    }
    return checkCharacters[weightedSum % 11]
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
