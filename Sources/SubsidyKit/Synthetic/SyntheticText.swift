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

  /// A day number (days since 1970-01-01, in years 1000–9999) as `YYYY-MM-DD`,
  /// by Hinnant's civil-from-days (the same algorithm as `CivilDate`).
  static func date(_ dayNumber: Int) -> String {
    let shifted = dayNumber + 719_468
    let era = shifted / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let marchMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
    let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return String(unsafeUninitializedCapacity: 10) { bytes in
      func put(_ value: Int, at: Int, width: Int) {
        var rest = value
        for position in stride(from: at + width - 1, through: at, by: -1) {
          bytes[position] = UInt8(ascii: "0") + UInt8(rest % 10)
          rest /= 10
        }
      }
      put(year, at: 0, width: 4)
      put(month, at: 5, width: 2)
      put(day, at: 8, width: 2)
      bytes[4] = UInt8(ascii: "-")
      bytes[7] = UInt8(ascii: "-")
      return 10
    }
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
