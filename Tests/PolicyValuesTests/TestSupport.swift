import PolicyValues

/// Builds test ID numbers from a 17-digit prefix by computing the check
/// character here, independently of `IDNumber`, so that tests neither hard-code
/// fake numbers with wrong checksums nor check the library against itself.
enum TestIDs {
  /// ISO 7064 MOD 11-2 straight from the definition: the full weighted sum,
  /// with weight 2^(18−position) mod 11 and the check worth 10 for `X`, must be
  /// ≡ 1 (mod 11). Tries each candidate rather than using a lookup table.
  static func complete(_ first17: String) -> String {
    let digits = first17.compactMap { $0.wholeNumberValue }
    assert(digits.count == 17, "need 17 digits")
    var partial = 0
    for (index, digit) in digits.enumerated() {
      var weight = 1
      for _ in 0..<(17 - index) { weight = weight * 2 % 11 }
      partial += digit * weight
    }
    let value = (0...10).first { (partial + $0) % 11 == 1 } ?? 0
    return first17 + (value == 10 ? "X" : String(value))
  }

  /// A valid number with the same prefix but a wrong final character.
  static func withWrongCheck(_ first17: String) -> String {
    let valid = complete(first17)
    let wrong: Character = valid.last == "0" ? "1" : "0"
    return first17 + String(wrong)
  }
}

/// Runs `body` on the UTF-8 bytes of `text`, as the CSV reader would hand them over.
func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
  Array(text.utf8).withUnsafeBufferPointer(body)
}
