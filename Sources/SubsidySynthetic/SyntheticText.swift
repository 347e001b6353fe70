import PolicyValues
/// Small ASCII formatters for the generator's hot loop.
///
/// Each writes straight into a new string's storage: the general-purpose paths
/// (`String(n)` plus padding, `CivilDate.description`, `joined`) allocated and
/// copied several times per cell and were most of the generator's run time.
enum SyntheticText {
  /// `n` (non-negative) in decimal, left-padded with zeros to at least `width` digits.
  static func padded(_ n: Int, width: Int) -> String {
    var digits = 1
    var rest = n / 10
    while rest > 0 { digits += 1; rest /= 10 }
    let count = max(width, digits)
    return String(unsafeUninitializedCapacity: count) { bytes in
      var value = n
      for position in stride(from: count - 1, through: 0, by: -1) {
        bytes[position] = UInt8(ascii: "0") + UInt8(value % 10)
        value /= 10
      }
      return count
    }
  }

  /// A day number (days since 1970-01-01) as `YYYY-MM-DD`, through `CivilDate` so the calendar
  /// arithmetic lives in one place.
  static func date(_ dayNumber: Int) -> String {
    CivilDate(dayNumber: dayNumber)?.description ?? ""
  }

  /// `fen` (non-negative) as yuan with two decimals: 35050 → `350.50`.
  static func money(_ fen: Int) -> String {
    padded(fen / 100, width: 1) + "." + padded(fen % 100, width: 2)
  }

  /// Items joined by `;` into one string allocated once (the evidence cell).
  static func joined(_ items: [String]) -> String {
    var text = ""
    text.reserveCapacity(items.reduce(items.count) { $0 + $1.utf8.count })
    for (index, item) in items.enumerated() {
      if index > 0 { text += ";" }
      text += item
    }
    return text
  }
}
