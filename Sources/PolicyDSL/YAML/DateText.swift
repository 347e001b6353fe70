import PolicyValues

/// Explains why a text is not a date, for `help:` lines.
public enum DateText {
  public static func explain(_ text: String) -> String? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
      return "write dates as YYYY-MM-DD, e.g. 2024-06-30"
    }
    if parts[0].count != 4 || parts[1].count != 2 || parts[2].count != 2 {
      return "write dates with a 4-digit year and 2-digit month and day, e.g. \(String(format4: y))-\(pad(m))-\(pad(d))"
    }
    if !(1...12).contains(m) { return "month \(m) does not exist" }
    if (1...9999).contains(y) {
      let last = CivilDate.daysInMonth(year: y, month: m)
      if d < 1 || d > last { return "\(y)-\(pad(m)) has \(last) days" }
    }
    return nil
  }

  /// The same explanation in Chinese.
  public static func explainZh(_ text: String) -> String? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
      return "日期请写成 `YYYY-MM-DD`，例如 2024-06-30"
    }
    if parts[0].count != 4 || parts[1].count != 2 || parts[2].count != 2 {
      return "日期请写 4 位年份和 2 位月、日，例如 \(String(format4: y))-\(pad(m))-\(pad(d))"
    }
    if !(1...12).contains(m) { return "没有 \(m) 月" }
    if (1...9999).contains(y) {
      let last = CivilDate.daysInMonth(year: y, month: m)
      if d < 1 || d > last { return "\(y)-\(pad(m)) 只有 \(last) 天" }
    }
    return nil
  }

  private static func pad(_ n: Int) -> String { n < 10 && n >= 0 ? "0\(n)" : String(n) }
}

extension String {
  fileprivate init(format4 n: Int) {
    let s = String(n)
    self = s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
  }
}
