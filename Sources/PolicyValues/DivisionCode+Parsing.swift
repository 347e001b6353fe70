/// Parsing division codes: exactly six ASCII digits with a real province prefix.
///
/// `parse` is the fast yes/no used on every fact row; `validate` and `diagnose`
/// say *why* a string is not a code, for error messages, and are only called
/// once parsing has already failed.
extension DivisionCode {
  public static func parse(_ text: Substring) -> DivisionCode? {
    parseASCII(text.utf8)
  }

  public static func parse(_ text: String) -> DivisionCode? {
    parseASCII(text.utf8)
  }

  /// The same grammar over raw UTF-8 bytes, for the batch CSV path: no allocation.
  public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> DivisionCode? {
    parseASCII(bytes)
  }

  static func parseASCII<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> DivisionCode? {
    guard bytes.count == 6,
      let number = ASCII.number(bytes, from: bytes.startIndex, count: 6),
      isProvinceCode(number / 10_000)
    else { return nil }
    return DivisionCode(unchecked: Int32(number))
  }

  /// The code, or the reason `text` is not one.
  public static func validate(_ text: String) -> Result<DivisionCode, DivisionCodeProblem> {
    if let code = parse(text) { return .success(code) }
    if text.isEmpty { return .failure(.empty) }
    if let bad = text.first(where: { $0.asciiValue.flatMap(ASCII.digit) == nil }) {
      return .failure(.nonDigit(bad))
    }
    // All ASCII digits from here on, so counting bytes counts characters.
    let count = text.utf8.count
    if count != 6 { return .failure(.wrongLength(count)) }
    return .failure(.unknownProvince(String(text.prefix(2))))
  }

  /// Why `text` is not a division code, as a sentence fragment for an error
  /// message (e.g. "has 5 digits; a division code has 6"), or nil if it is one.
  public static func diagnose(_ text: String) -> String? {
    switch validate(text) {
    case .success: return nil
    case .failure(let problem): return problem.description
    }
  }

  /// The same in Chinese.
  public static func diagnoseZh(_ text: String) -> String? {
    switch validate(text) {
    case .success: return nil
    case .failure(let problem): return problem.zh
    }
  }
}
