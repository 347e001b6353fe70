/// Parsing decimal literals into `Fixed`.
///
/// The grammar is deliberately narrow so that what a policy or CSV says is
/// exactly what is computed: `-`? digits (`.` 1–4 digits)?. There is no `+`,
/// no exponent, no spaces, no thousands separators, no bare `.5` or `5.`, and no
/// silent rounding of a fifth decimal place: anything else is nil, so the caller
/// reports the cell rather than guessing.
extension Fixed {
  public static func parse(_ text: Substring) -> Fixed? {
    parseASCII(text.utf8)
  }

  public static func parse(_ text: String) -> Fixed? {
    parseASCII(text.utf8)
  }

  /// The same grammar over raw UTF-8 bytes, for the batch CSV path: no allocation.
  public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Fixed? {
    parseASCII(bytes)
  }

  static func parseASCII<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Fixed? {
    var index = bytes.startIndex
    let end = bytes.endIndex
    guard index != end else { return nil }

    var negative = false
    if bytes[index] == ASCII.minus {
      negative = true
      bytes.formIndex(after: &index)
    }

    // Integer part: at least one digit.
    var magnitude: UInt64 = 0
    var integerDigits = 0
    while index != end, let d = ASCII.digit(bytes[index]) {
      let (shifted, o1) = magnitude.multipliedReportingOverflow(by: 10)
      let (added, o2) = shifted.addingReportingOverflow(UInt64(d))
      guard !o1, !o2 else { return nil }
      magnitude = added
      integerDigits += 1
      bytes.formIndex(after: &index)
    }
    guard integerDigits > 0 else { return nil }
    let (scaled, overflow) = magnitude.multipliedReportingOverflow(by: UInt64(scale))
    guard !overflow else { return nil }
    magnitude = scaled

    // Optional fraction: a point followed by one to four digits.
    if index != end {
      guard bytes[index] == ASCII.point else { return nil }
      bytes.formIndex(after: &index)
      var place = UInt64(scale / 10)
      var fractionDigits = 0
      while index != end {
        guard fractionDigits < 4, let d = ASCII.digit(bytes[index]) else { return nil }
        // magnitude is a multiple of 10 000 and this adds less than 10 000,
        // but it can still cross UInt64.max near the top of the range.
        let (added, o) = magnitude.addingReportingOverflow(UInt64(d) * place)
        guard !o else { return nil }
        magnitude = added
        place /= 10
        fractionDigits += 1
        bytes.formIndex(after: &index)
      }
      guard fractionDigits > 0 else { return nil }
    }
    return Fixed(magnitude: magnitude, negative: negative)
  }
}
