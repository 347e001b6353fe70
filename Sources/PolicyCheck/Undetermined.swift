import PolicyValues

/// Why a value is undetermined: the law gives none (a silent clause, a table without the row, a
/// parameter that has ended), or it cannot be computed exactly. Typed, so a report says it in Chinese
/// or English (`text(chinese:)`); the JSON keeps the English sentence.
public enum Undetermined: Hashable, Sendable {
  /// A parameter or table read for a subject whose event date is not given (`dispatch.start` empty).
  case eventDateUnknown(String)
  /// The rule's event date reads a fact that is not given.
  case eventDateNotGiven(String)
  case noValue(parameter: String, on: CivilDate)
  case noRow(table: String, key: String)
  case tooLarge(String)
  case divisionByZero(String)
  case leavesCalendar(String)
  case notADate(String)
  /// `amount: {undetermined: …}`: the words of the clause that are silent.
  case silent(String)
  case amountFactNotGiven
  /// A part of a limit's key (`beneficiary`, `payee`, `year`) is not known.
  case limitPartUnknown([String])

  /// The sentence, in Chinese or English. Expressions and ids stay as written.
  public func text(chinese: Bool) -> String {
    switch self {
    case .eventDateUnknown(let e):
      chinese ? "`\(e)` 按事件日期取值，但事件日期未提供" : "`\(e)` is dated by an event whose date is not given"
    case .eventDateNotGiven(let e):
      chinese ? "事件日期 `\(e)` 未提供，无法判断适用哪一期政策" : "the event date `\(e)` is not given"
    case .noValue(let p, let d):
      chinese ? "`\(p)` 在 \(d) 没有规定的数值" : "`\(p)` has no value on \(d)"
    case .noRow(let t, let k):
      chinese ? "`\(t)` 没有“\(k)”一档的金额（条款未规定）" : "`\(t)` has no row for `\(k)`"
    case .tooLarge(let e):
      chinese ? "`\(e)` 数值过大，无法精确计算" : "`\(e)` is too large to compute exactly"
    case .divisionByZero(let e):
      chinese ? "`\(e)` 除数为零" : "division by zero in `\(e)`"
    case .leavesCalendar(let e):
      chinese ? "`\(e)` 超出日历范围" : "`\(e)` leaves the calendar"
    case .notADate(let e):
      chinese ? "`\(e)` 不是有效日期" : "`\(e)` is not a date"
    case .silent(let words):
      words
    case .amountFactNotGiven:
      chinese ? "计算金额所需的事实未提供" : "the amount reads a fact that is not given"
    case .limitPartUnknown(let parts):
      chinese
        ? "限享一次的\(parts.map(Self.limitPartZh).joined(separator: "、"))未知（如家庭未登记），不与他人共用名额，待补录后判断"
        : "the limit's \(parts.joined(separator: ", ")) is not known"
    }
  }

  static func limitPartZh(_ part: String) -> String {
    switch part {
    case "beneficiary": "受益对象"
    case "payee": "领取对象"
    default: "年度"
    }
  }
}
