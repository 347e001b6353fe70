import PolicyCheck
import PolicyEval
import PolicyValues

/// An explanation line in plain words, from its typed reason: the condition as `subsidy explain` says it,
/// the values it saw with the schema's labels, dates and limits in sentences. Chinese or English; the
/// JSON keeps the raw expression (`Check.check`) for machines. Control characters in ids are escaped
/// where the CLI prints (one mechanism for every text output).
struct ExplanationText {
  let program: Program
  let facts: Facts
  let language: TextReport.Language
  let showPII: Bool
  /// Conditions already put in words (by the policy set being served, or by this document).
  var memo: ConditionTexts? = nil
  /// Made once: made for each value a line names, each copied the program (every table of it
  /// reference counted).
  private let words: ValueWords

  init(program: Program, facts: Facts, language: TextReport.Language, showPII: Bool, memo: ConditionTexts? = nil) {
    self.program = program
    self.facts = facts
    self.language = language
    self.showPII = showPII
    self.memo = memo
    words = ValueWords(program: program, language: language, showPII: showPII)
  }

  /// The text in the language asked for; only that one is made (the other's values are not put in words).
  private func t(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { language == .zh ? zh() : en() }

  /// The line for a check of result `r`; the raw expression and value when the check has no reason.
  func line(_ check: Check, of r: EvalResult) -> String {
    guard let reason = check.reason else { return "\(check.check)　" + t("实际：", "saw: ") + check.value }
    switch reason {
    case .condition(let rule, let index, let witnesses, let value):
      guard let words = conditionWords(rule: rule, index: index, date: r.ruleDate) else { return check.check }
      var line = t("须：", "needs: ") + words.condition + t("（实际：", " (saw: ")
      if witnesses.isEmpty || witnesses.count != words.witnesses.count {
        line += self.value(value, .bool)
      } else {
        // Written into the line as they come (no list of parts to join).
        for i in witnesses.indices {
          if i > 0 { line += t("，", "; ") }
          line += words.witnesses[i]
          let w = witnesses[i]
          if w.value.isNull {
            line += t("未填", " not given")
          } else {
            line += t("为", " is ")
            line += self.value(w.value, w.type)
          }
        }
      }
      return line + t("）", ")")
    case .stableEmployment(let duration, let start, let vests, let end):
      let span = Self.duration(duration, chinese: language == .zh)
      let from = start.map(\.description) ?? t("未填", "not given")
      let until = vests.map(\.description) ?? t("无法计算", "cannot be computed")
      let ended = end.map { t("\($0) 已结束就业", "ended \($0)") } ?? t("仍在岗", "still employed")
      return t("须稳定就业满\(span)（自 \(from) 起至 \(until)；实际：\(ended)）", "needs stable employment of \(span) (from \(from) to \(until); saw: \(ended))")
    case .vestsOn(let expression, let date):
      let what = plainEventDate(of: r, vesting: true) ?? expression
      return t("须有\(what)（实际：\(date.map(\.description) ?? "未填")）", "needs \(what) (saw: \(date.map(\.description) ?? "not given"))")
    case .vestsBy(let last, let date):
      return t("须于 \(last) 前满足条件（实际：\(date)）", "must vest on or before \(last) (saw: \(date))")
    case .policyFrom(let from, let event):
      return t("事件日期 \(event) 早于政策施行日 \(from)，不适用本政策", "the event on \(event) is before the policy took effect on \(from)")
    case .policyUntil(let until, let event):
      return t("事件日期 \(event) 晚于政策截止日 \(until)，不适用本政策", "the event on \(event) is after the policy ended on \(until)")
    case .eventDateNotGiven(let expression):
      let what = plainEventDate(of: r, vesting: false) ?? expression
      return t("事件日期（\(what)）未提供", "the event date (\(what)) is not given")
    case .limitTaken(let limit, let holder):
      return t("\(Self.limit(limit, chinese: true))限享一次：已由 \(holder) 享受", "once \(Self.limit(limit, chinese: false)): already granted for \(holder)")
    case .limitPartUnknown(let limit, let parts):
      let names = parts.map { t(Self.partZh($0), $0) }.joined(separator: t("、", ", "))
      return t("\(Self.limit(limit, chinese: true))限享一次：\(names)未知", "once \(Self.limit(limit, chinese: false)): \(names) not known")
    case .amountNotPositive(let amount):
      return t("金额须大于 0（实际：\(amount) 元）", "the amount must be above 0 (saw: \(amount))")
    case .overlay(let base, let area):
      return t("实施细则在 \(area) 取代 \(base)", "an overlay superseding \(base) in \(area)")
    }
  }

  /// Condition `index` of rule `rule` and the values it reads, in plain words with the parameters in
  /// force on `date`; from the memo when they have been said already.
  private func conditionWords(rule: Int, index: Int, date: CivilDate) -> ConditionTexts.Words? {
    let (key, known) = memo?.said(rule: rule, index: index, language: language, date: date, program: program) ?? (nil, nil)
    if let known { return known }
    guard let parts = program.condition(rule: rule, index: index) else { return nil }
    let plain = PlainExpression(schema: program.schema, parameters: parts.parameters, language: language, date: date)
    let words = ConditionTexts.Words(condition: plain.render(parts.condition), witnesses: parts.witnesses.map(plain.render))
    if let key { memo?.remember(words, for: key) }
    return words
  }

  /// The rule's event date (or `vesting.on` date) in plain words: 为社员购买人身意外保险生效日期.
  /// From the memo when said already (it depends on the parameters in force as a condition's words do).
  private func plainEventDate(of r: EvalResult, vesting: Bool) -> String? {
    let index = vesting ? ConditionTexts.vestingDateIndex : ConditionTexts.eventDateIndex
    let (key, known) = memo?.said(rule: r.ruleIndex, index: index, language: language, date: r.ruleDate, program: program) ?? (nil, nil)
    if let known { return known.condition }
    guard let (e, parameters) = program.eventDate(rule: r.ruleIndex, vesting: vesting) else { return nil }
    let words = PlainExpression(schema: program.schema, parameters: parameters, language: language, date: r.ruleDate).render(e)
    if let key { memo?.remember(ConditionTexts.Words(condition: words, witnesses: []), for: key) }
    return words
  }

  /// Why result `r` is undetermined, with the schema's labels where the reason names a field or an enum case.
  func undetermined(_ u: Undetermined, of r: EvalResult? = nil) -> String {
    if case .eventDateNotGiven = u, let r, let what = plainEventDate(of: r, vesting: false) {
      return t("事件日期（\(what)）未提供，无法判断适用哪一期政策", "the event date (\(what)) is not given")
    }
    if case .noRow(let table, let key) = u, language == .zh {
      let name = Self.withoutParameterPrefixes(table.split(separator: "[").first ?? Substring(table))
      let label = program.schema.enums.values.lazy.compactMap { e in e.index(of: key).flatMap { e.labels[$0]?.zh } }.first ?? key
      return "标准表（\(name)）没有“\(label)”一档的金额（条款未规定）"
    }
    return u.text(chinese: language == .zh)
  }

  /// `name` without any `param.` in it (a table's name as a parameter): by bytes, where Foundation's
  /// `replacingOccurrences` bridged through NSString for a hundredth of a `POST /v1/eval` (a name is
  /// ASCII, so bytes and Characters agree).
  static func withoutParameterPrefixes(_ name: Substring) -> String {
    let prefix = "param.".utf8
    var bytes = Array(name.utf8)
    var i = 0
    while i + prefix.count <= bytes.count {
      if bytes[i..<(i + prefix.count)].elementsEqual(prefix) {
        bytes.removeSubrange(i..<(i + prefix.count))
      } else {
        i += 1
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// A value as an officer reads it: labels for enum cases, 是/否, 未填 for null, masked ID numbers.
  func value(_ v: Value, _ type: ExprType) -> String {
    switch (v, type) {
    case (.null, _): return t("未填", "not given")
    case (.entity, _): return facts.id(of: v) ?? "?"
    case (.list(let items), .list(let inner)):
      return items.isEmpty ? t("无", "none") : items.map { value($0, inner) }.joined(separator: t("、", ", "))
    case (.undetermined(let why), _): return undetermined(why)
    default: return words.value(v, type)
    }
  }

  /// `3 months` → 3个月.
  static func duration(_ text: String, chinese: Bool) -> String {
    guard chinese else { return text }
    // ASCII `N unit` with one space between (as every policy writes it): the two parts found by
    // bytes (in ASCII a byte is a character), with no list of parts made; anything else as the split
    // below reads it.
    let bytes = text.utf8
    if bytes.allSatisfy({ $0 < 0x80 }), let space = bytes.firstIndex(of: UInt8(ascii: " ")), space != bytes.startIndex,
      bytes.index(after: space) != bytes.endIndex,
      !bytes[bytes.index(after: space)...].contains(UInt8(ascii: " "))
    {
      let unit = text[bytes.index(after: space)...]
      let name = unit.hasPrefix("month") ? "个月" : unit.hasPrefix("day") ? "天" : unit.hasPrefix("year") ? "年" : String(unit)
      return "\(text[..<space])\(name)"
    }
    let parts = text.split(separator: " ")
    guard parts.count == 2 else { return text }
    let unit = parts[1].hasPrefix("month") ? "个月" : parts[1].hasPrefix("day") ? "天" : parts[1].hasPrefix("year") ? "年" : String(parts[1])
    return "\(parts[0])\(unit)"
  }

  static func partZh(_ part: String) -> String {
    switch part {
    case "beneficiary": "受益对象"
    case "payee": "领取对象"
    default: "年度"
    }
  }

  /// `[beneficiary, year]` → 每个受益对象每年度 / per beneficiary and year.
  static func limit(_ keys: [String], chinese: Bool) -> String {
    chinese ? keys.map { "每个\(partZh($0))" }.joined() : "per " + keys.joined(separator: " and ")
  }
}

