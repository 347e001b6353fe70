/// Parsing `YYYY-MM-DD`.
///
/// Strict on purpose: exactly ten ASCII characters with zero-padded fields, and
/// the date must exist. `2023-2-3`, `2023/02/03`, a trailing time or space, and
/// `2023-02-30` are all nil, because a lenient parser would turn a typo in a
/// fact file into a different, wrong, date.
extension CivilDate {
  public static func parse(_ text: Substring) -> CivilDate? {
    parseASCII(text.utf8)
  }

  public static func parse(_ text: String) -> CivilDate? {
    parseASCII(text.utf8)
  }

  /// The same grammar over raw UTF-8 bytes, for the batch CSV path: no allocation.
  public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
    parseASCII(bytes)
  }

  static func parseASCII<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> CivilDate? {
    guard bytes.count == 10 else { return nil }
    let start = bytes.startIndex
    let firstDash = bytes.index(start, offsetBy: 4)
    let monthStart = bytes.index(after: firstDash)
    let secondDash = bytes.index(monthStart, offsetBy: 2)
    let dayStart = bytes.index(after: secondDash)
    guard bytes[firstDash] == ASCII.minus, bytes[secondDash] == ASCII.minus,
      let year = ASCII.number(bytes, from: start, count: 4),
      let month = ASCII.number(bytes, from: monthStart, count: 2),
      let day = ASCII.number(bytes, from: dayStart, count: 2)
    else { return nil }
    return CivilDate(year: year, month: month, day: day)
  }
}
