/// What the value of a key may be: enough for an editor's JSON Schema to complete and check it.
///
/// The parser reads values through `ScalarReader` and `ExprParser`; a shape says which of those it
/// uses, so the schema accepts what the parser accepts (a YAML scalar read as text may be written
/// `100`, `true` or `"100"`).
public indirect enum KeyShape: Sendable {
  /// Any scalar, read as text (ids, titles, clause numbers).
  case text
  /// `YYYY-MM-DD`.
  case date
  /// An expression of the policy language (docs/language.md): a condition, an amount, a date.
  case expression
  /// One of these words (rule kinds, subjects, parameter types).
  case choice([String])
  /// A value of an enum of the fact schema, by its name (`evidence`).
  case vocabulary(String)
  /// A list, or one item written alone (`when: x` is `when: [x]`).
  case oneOrMany(KeyShape)
  case list(KeyShape)
  case bool
  /// A whole number from 1 to 31.
  case dayOfMonth
  /// A nested mapping with keys of its own.
  case mapping(KeySet)
  /// A mapping whose keys are names chosen by the writer (parameter names), each value of this shape.
  case names(KeyShape)
  /// A parameter's `values`: keys are the dates each value applies from; a value is a scalar,
  /// a table (a mapping of row names to scalars), or null (the parameter ends).
  case datedValues
  /// Any of these shapes (`amount`: an expression or `{undetermined: …}`).
  case anyOf([KeyShape])
  /// The value may also be `null`.
  case nullable(KeyShape)
  /// A facts document (a test case's `facts`), validated by the facts schema.
  case facts
}

/// One key of a mapping: its name, the shape of its value, whether it must be there, and what it means.
public struct KeySpec: Sendable {
  public var name: String
  public var shape: KeyShape
  public var required: Bool
  /// Only an overlay (`extends:`) may write it (`remove: true` on a rule).
  public var overlayOnly: Bool
  public var label: Label

  public init(_ name: String, _ shape: KeyShape, required: Bool = false, overlayOnly: Bool = false, zh: String, en: String) {
    self.name = name
    self.shape = shape
    self.required = required
    self.overlayOnly = overlayOnly
    self.label = Label(zh: zh, en: en)
  }
}

/// The keys one kind of mapping may have (a rule, `vesting`…), in the order they are documented.
public struct KeySet: Sendable {
  /// A name for the set (`rule`), used for the JSON Schema definition.
  public var name: String
  /// What the mapping is, for messages: "rule", "`vesting`".
  public var context: String
  public var label: Label
  public var keys: [KeySpec]

  public init(_ name: String, context: String, zh: String, en: String, _ keys: [KeySpec]) {
    self.name = name
    self.context = context
    self.label = Label(zh: zh, en: en)
    self.keys = keys
  }

  public var names: [String] { keys.map(\.name) }
  public func contains(_ key: String) -> Bool { keys.contains { $0.name == key } }
}

/// The keys of a policy file, mapping by mapping: the one table the parser reads through
/// (`MappingReader(node, keys: PolicyKeys.rule, …)`) and `subsidy schema --format json-schema`
/// writes the editors' schema from.
///
/// A key the parser reads appears in the JSON Schema even before it has a line here (`KeyProbe`
/// records what the parser reads; any value is then allowed and the description says it is not yet
/// described); its line adds the value's shape and the Chinese label. A key listed here that the
/// parser never reads stops a debug build (every `swift test`) with an assertion naming it.
/// Word lists come from the syntax itself (`Rule.Kind.allCases`, `Rule.subjectKinds`, `Rule.limitKeys`,
/// `Parameter.ValueType.allCases`), so a new rule kind appears with no change here.
public enum PolicyKeys {
  public static let document = KeySet("document", context: "`document`", zh: "政策文件", en: "the issuing document", [
    KeySpec("issuer", .text, required: true, zh: "发文机关", en: "issuing authority"),
    KeySpec("number", .nullable(.text), zh: "文号", en: "document number"),
    KeySpec("date", .date, zh: "发文日期", en: "date of issue"),
    KeySpec("source", .nullable(.text), zh: "原文文件", en: "source text"),
  ])

  public static let effective = KeySet("effective", context: "`effective`", zh: "施行期间", en: "period in force", [
    KeySpec("from", .date, zh: "施行之日", en: "in force from"),
    KeySpec("until", .nullable(.date), zh: "废止之日（null 为仍有效）", en: "in force until (null: still in force)"),
  ])

  public static let parameter = KeySet("parameter", context: "parameter", zh: "参数（标准、金额）", en: "a parameter (a rate, an amount)", [
    KeySpec("type", .choice(Parameter.ValueType.allCases.map(\.rawValue)), required: true, zh: "类型", en: "type"),
    KeySpec("by", .nullable(.text), zh: "分档依据（枚举名或 string）", en: "the enum (or `string`) that keys a table's rows"),
    KeySpec("unit", .nullable(.text), zh: "单位", en: "unit"),
    KeySpec("clause", .nullable(.text), zh: "条款", en: "clause"),
    KeySpec("note", .nullable(.text), zh: "说明", en: "note"),
    KeySpec("note_en", .nullable(.text), zh: "说明的英文", en: "the note in English (shown with --lang en)"),
    KeySpec("values", .datedValues, required: true, zh: "自各日期起适用的值", en: "the value from each date on"),
  ])

  public static let group = KeySet("group", context: "`group`", zh: "汇总对象", en: "what a group rule aggregates", [
    KeySpec("of", .choice(Rule.subjectKinds.filter { $0 != "group" }), required: true, zh: "汇总的对象", en: "the subjects aggregated"),
    KeySpec("where", .expression, zh: "筛选条件", en: "filter"),
    KeySpec("by", .oneOrMany(.expression), required: true, zh: "分组依据", en: "grouping key"),
  ])

  public static let vesting = KeySet("vesting", context: "`vesting`", zh: "享受条件成就时间", en: "when the entitlement vests", [
    KeySpec("stable_employment", .expression, zh: "稳定就业时长（如 3 months）", en: "stable employment period (e.g. 3 months)"),
    KeySpec("on", .expression, zh: "成就日期", en: "vesting date"),
    KeySpec("until", .nullable(.expression), zh: "最迟成就日期（政策执行期限）", en: "last vesting date (the policy's term)"),
  ])

  public static let undeterminedAmount = KeySet("undetermined-amount", context: "`amount`", zh: "金额未定", en: "amount the law does not state", [
    KeySpec("undetermined", .text, required: true, zh: "未规定金额的原文", en: "the words of the clause that are silent"),
  ])

  public static let monthlyDue = KeySet("monthly-due", context: "`due`", zh: "每月期限", en: "monthly deadlines", [
    KeySpec("monthly", .list(.dayOfMonth), required: true, zh: "每月的日期", en: "days of every month"),
  ])

  public static let rule = KeySet("rule", context: "rule", zh: "规则（一条条款）", en: "a rule (one clause)", [
    KeySpec("id", .text, required: true, zh: "规则编号（小写字母、数字和 -）", en: "rule id (kebab-case)"),
    KeySpec("clause", .text, required: true, zh: "条款", en: "clause"),
    KeySpec("text", .text, required: true, zh: "条款原文", en: "the clause's text"),
    KeySpec("kind", .choice(Rule.Kind.allCases.map(\.rawValue)), zh: "规则类型（默认 payment）", en: "rule kind (default payment)"),
    KeySpec("about", .choice(Rule.subjectKinds), required: true, zh: "适用对象", en: "what the rule is about"),
    KeySpec("group", .mapping(group), zh: "汇总（about: group）", en: "aggregation (about: group)"),
    KeySpec("payee", .expression, zh: "收款人", en: "payee"),
    KeySpec("beneficiary", .expression, zh: "受益人", en: "beneficiary"),
    KeySpec("when", .nullable(.oneOrMany(.expression)), zh: "条件（全部成立）", en: "conditions (all must hold)"),
    KeySpec("vesting", .mapping(vesting), zh: "享受条件成就时间", en: "vesting"),
    KeySpec("dated", .expression, zh: "事件日期（施行期间、参数和 until 按此日判断）", en: "event date the period, dated parameters and `until` are judged on"),
    KeySpec("amount", .anyOf([.expression, .mapping(undeterminedAmount)]), zh: "金额", en: "amount"),
    KeySpec("limit", .oneOrMany(.choice(Rule.limitKeys)), zh: "限享一次的范围", en: "one payment per"),
    KeySpec("evidence", .oneOrMany(.vocabulary("evidence")), zh: "证明材料", en: "evidence"),
    KeySpec("funding", .nullable(.text), zh: "资金来源", en: "funding source"),
    KeySpec("due", .anyOf([.expression, .mapping(monthlyDue)]), zh: "履行期限", en: "deadline"),
    KeySpec("obligor", .nullable(.text), zh: "义务人", en: "who owes the obligation"),
    KeySpec("note", .nullable(.text), zh: "说明", en: "note"),
    KeySpec("note_en", .nullable(.text), zh: "说明的英文", en: "the note in English (shown with --lang en)"),
    KeySpec("may_be_null", .oneOrMany(.text), zh: "可为空而不警告的事实", en: "facts that may be null here"),
    KeySpec("remove", .bool, overlayOnly: true, zh: "删除基础政策的这条规则（仅修订稿）", en: "drop this rule of the base policy (overlays only)"),
  ])

  public static let policy = KeySet("policy", context: "policy file", zh: "政策文件", en: "a policy file", [
    KeySpec("extends", .nullable(.text), zh: "所修订或细化的基础政策编号", en: "the base policy this one amends or implements"),
    KeySpec("id", .text, required: true, zh: "政策编号", en: "policy id"),
    KeySpec("title", .text, required: true, zh: "标题", en: "title"),
    KeySpec("document", .mapping(document), required: true, zh: "政策文件", en: "issuing document"),
    KeySpec("jurisdiction", .text, required: true, zh: "适用地区（2、4 或 6 位行政区划代码）", en: "jurisdiction (2-, 4- or 6-digit division-code prefix)"),
    KeySpec("effective", .mapping(effective), zh: "施行期间", en: "period in force"),
    KeySpec("parameters", .nullable(.names(.mapping(parameter))), zh: "参数", en: "parameters"),
    KeySpec("rules", .list(.mapping(rule)), required: true, zh: "规则", en: "rules"),
  ])

  /// Every key set of a policy file, outermost first.
  public static let all: [KeySet] = [policy, document, effective, parameter, rule, group, vesting, undeterminedAmount, monthlyDue]
}
