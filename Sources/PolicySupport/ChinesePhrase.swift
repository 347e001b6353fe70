import Foundation

/// The Chinese for the small English phrases that diagnostics are built from: where a problem is
/// ("`values` of `yingjiang-rate`", "the first argument of `within`", "policy file"), what a rule
/// reads ("the amount"), a rule's kind. The checks pass these phrases around in English; the
/// constructors turn them into Chinese here, in one place, so the two texts cannot drift apart.
///
/// User text and keys in `backticks` are kept as written. A phrase it does not know comes back
/// unchanged (in English), which the conformance test's scan for English words catches.
public enum ChinesePhrase {
  /// "the first argument of `within`" → "`within` 的第一个参数"; "policy file" → "政策文件".
  public static func zh(_ phrase: String) -> String {
    if let word = words[phrase] { return word }
    if let match = phrase.firstMatch(of: #/^to close the arguments of (`[^`]+`)$/#) { return "\(match.1) 的参数结尾处" }
    // A key or user text alone: "`clause`".
    if phrase.hasPrefix("`"), phrase.hasSuffix("`"), phrase.dropFirst().dropLast().firstIndex(of: "`") == nil { return phrase }
    // "HEAD of `OWNER`REST", "the HEAD of `OWNER`REST", "HEAD of enum `OWNER`".
    if let match = phrase.firstMatch(of: #/^(?:the )?(.+?) of ((?:enum |entity )?`[^`]+`)(.*)$/#) {
      let head = String(match.1), owner = zh(String(match.2)), rest = String(match.3)
      return "\(owner) 的\(headZh(head))\(restZh(rest))"
    }
    // "parameter `rate`", "a person" (an entity's name).
    if let match = phrase.firstMatch(of: #/^(\w+) (`[^`]+`)$/#), let word = nouns[String(match.1)] {
      return "\(word) \(match.2)"
    }
    if let match = phrase.firstMatch(of: #/^an? ([a-z_]+)$/#) { return "`\(match.1)` 记录" }
    if phrase.firstMatch(of: #/^[a-z_]+$/#) != nil { return "`\(phrase)`" }
    return phrase
  }

  /// The phrase at the start of a sentence, with a space after a closing backtick: "`clause` 须为…",
  /// "政策文件须为…".
  public static func lead(_ phrase: String) -> String {
    let text = zh(phrase)
    return text.hasSuffix("`") ? text + " " : text
  }

  /// Drops a space between two Chinese characters, left where a phrase that may be a key in
  /// backticks (followed by a space) turned out to be Chinese: "实际为 列表" → "实际为列表". Text in
  /// `backticks` is a value or a name as written and keeps its spaces: `是 否` is not `是否`, and a
  /// person id `人员 乙` is not `人员乙`.
  public static func tidy(_ text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    guard scalars.contains(" ") else { return text }
    var out = String.UnicodeScalarView()
    var quoted = false
    for (i, s) in scalars.enumerated() {
      if s == "`" { quoted.toggle() }
      if !quoted, s == " ", i > 0, i + 1 < scalars.count, isChinese(scalars[i - 1]), isChinese(scalars[i + 1]) { continue }
      out.append(s)
    }
    return String(out)
  }

  private static func isChinese(_ s: Unicode.Scalar) -> Bool {
    (0x4E00...0x9FFF).contains(s.value) || (0x3000...0x303F).contains(s.value) || (0xFF00...0xFFEF).contains(s.value)
  }

  private static func headZh(_ head: String) -> String {
    if let word = heads[head] { return word }
    if head.hasPrefix("`") { return " \(zh(head))" }
    return zh(head)
  }

  private static func restZh(_ rest: String) -> String {
    switch rest {
    case "": ""
    case " (a year)": "（年份）"
    case " (home)": "（户籍地）"
    case " (destination)": "（务工地）"
    default: rest
    }
  }

  private static let words: [String: String] = [
    "a condition": "条件",
    "test file": "测试文件",
    "test case": "测试用例",
    "table": "表",
    "schema file": "事实模式文件",
    "rule": "规则",
    "policy file": "政策文件",
    "parameter": "参数",
    "facts file": "事实文件",
    "expected result": "预期结果",
    "a check": "校验",
    "a table value": "表中的值",
    "a parameter value": "参数值",
    "rule `id`": "规则的 `id`",
    "the amount": "金额",
    "the event date": "事件日期",
    "the limit's beneficiary": "限额的受益人",
    "the limit's payee": "限额的领取人",
    "payee": "领取人",
    "beneficiary": "受益人",
    "payment": "支付（`payment`）",
    "entitlement": "补贴（`entitlement`）",
    "advance": "垫付（`advance`）",
    "qualification": "资格（`qualification`）",
    "obligation": "义务（`obligation`）",
    "a list": "列表",
    "a single value": "单个值",
    "after the condition of `if`": "`if` 的条件之后",
    "in `if … then … else …`": "在 `if … then … else …` 中",
    "to close the table lookup": "查表的结尾处",
    "to close the list": "列表的结尾处",
    "to close `(`": "与 `(` 配对处",
  ]

  private static let heads: [String: String] = [
    "argument": "参数",
    "first argument": "第一个参数",
    "second argument": "第二个参数",
    "operand": "操作数",
    "condition": "条件",
    "left side": "左边",
    "right side": "右边",
    "each side": "两边",
    "key": "键",
    "values": "取值",
    "fields": "字段",
    "year": "年份",
    "month": "月份",
    "day": "日",
    "default `dated`": "默认 `dated`",
  ]

  private static let nouns: [String: String] = [
    "parameter": "参数", "field": "字段", "enum": "枚举", "entity": "实体", "rule": "规则", "table": "表",
  ]
}
