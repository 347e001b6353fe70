import PolicyDSL
import PolicyEval
import PolicySupport
import PolicyValues

/// A YAML file of test cases for one policy, as a policy officer writes them (`policies/tests/*.yaml`).
public struct TestFile: Sendable {
  /// One expected result: the fields given must match; fields left out are not checked.
  public struct Expectation: Sendable {
    public var rule: Located<String>
    public var subject: String?
    /// Other fields to compare, by their JSON name (status, amount, payee, eligible_from…).
    public var fields: [(name: String, value: Located<String>?)]
    /// `absent: true`: no result for this rule (and subject) may appear.
    public var absent: Bool
    public var span: SourceSpan
  }

  public struct Case: Sendable {
    public var name: String
    public var asOf: CivilDate?
    public var facts: YAMLNode
    public var expect: [Expectation]
    public var span: SourceSpan
  }

  public var path: String
  public var policy: Located<String>
  public var cases: [Case]

  static let comparable = ["status", "amount", "payee", "beneficiary", "eligible_from", "expires", "due", "missing_evidence", "funding", "clause", "kind"]

  /// The keys of a test file, case and expected result: what the parser below reads, and what
  /// `subsidy schema --format json-schema` writes `tests.schema.json` from.
  public static let fileKeys = KeySet("test-file", context: "test file", zh: "政策测试用例文件", en: "a policy's test file", [
    KeySpec("policy", .text, required: true, zh: "所测政策编号", en: "the policy tested"),
    KeySpec("cases", .list(.mapping(caseKeys)), required: true, zh: "测试用例", en: "test cases"),
  ])

  public static let caseKeys = KeySet("test-case", context: "test case", zh: "测试用例", en: "a test case", [
    KeySpec("name", .text, required: true, zh: "用例名称", en: "name"),
    KeySpec("as_of", .date, zh: "判断日期", en: "the date judged on"),
    KeySpec("facts", .facts, required: true, zh: "事实（同事实文件）", en: "facts (as a facts file)"),
    KeySpec("expect", .list(.mapping(expectationKeys)), required: true, zh: "预期结果", en: "expected results"),
  ])

  /// The keys the test-file parser reads, by key set (see `KeyProbe`).
  public static let parserKeys: [String: [String]] = KeyProbe.keysRead {
    var scratch = DiagnosticBag()
    _ = parse(SourceFile(path: "probe.yaml", text: KeyProbe.sample(fileKeys)), into: &scratch)
  }

  /// Each comparable field is a key; their shapes follow the results' JSON.
  public static let expectationKeys = KeySet("expected-result", context: "expected result", zh: "预期结果", en: "an expected result",
    [KeySpec("rule", .text, required: true, zh: "规则编号", en: "rule id"),
     KeySpec("subject", .nullable(.text), zh: "对象编号", en: "subject id")]
    + comparable.map(expectationKey)
    + [KeySpec("absent", .bool, zh: "不应出现此结果", en: "no such result may appear")])

  private static func expectationKey(_ name: String) -> KeySpec {
    switch name {
    case "status": KeySpec(name, .choice(Status.allCases.map(\.rawValue)), zh: "状态", en: "status")
    case "amount": KeySpec(name, .nullable(.text), zh: "金额（两位小数，如 \"100.00\"；null 为未定）", en: "amount (two decimals, e.g. \"100.00\"; null when undetermined)")
    case "payee": KeySpec(name, .nullable(.text), zh: "收款人", en: "payee")
    case "beneficiary": KeySpec(name, .nullable(.text), zh: "受益人", en: "beneficiary")
    case "eligible_from": KeySpec(name, .nullable(.date), zh: "可享受日期", en: "eligible from")
    case "expires": KeySpec(name, .nullable(.date), zh: "截止日期", en: "expires")
    case "due": KeySpec(name, .nullable(.date), zh: "履行期限", en: "due")
    case "missing_evidence": KeySpec(name, .nullable(.oneOrMany(.vocabulary("evidence"))), zh: "缺少的材料", en: "missing evidence")
    case "funding": KeySpec(name, .nullable(.text), zh: "资金来源", en: "funding")
    case "clause": KeySpec(name, .text, zh: "条款", en: "clause")
    case "kind": KeySpec(name, .choice(Rule.Kind.allCases.map(\.rawValue)), zh: "规则类型", en: "rule kind")
    default: KeySpec(name, .nullable(.text), zh: name, en: name)
    }
  }

  public static func parse(_ source: SourceFile, into d: inout DiagnosticBag) -> TestFile? {
    guard let root = YAMLLoader.load(source, into: &d), var top = MappingReader(root, keys: fileKeys, into: &d) else { return nil }
    let policy = top.required("policy", into: &d).flatMap { ScalarReader.string($0, "`policy`", into: &d) }
    var cases: [Case] = []
    if let node = top.required("cases", into: &d), let items = ScalarReader.list(node, "`cases`", into: &d) {
      for item in items { if let c = parseCase(item, into: &d) { cases.append(c) } }
    }
    top.finish(into: &d)
    guard let policy else { return nil }
    return TestFile(path: source.path, policy: policy, cases: cases)
  }

  private static func parseCase(_ node: YAMLNode, into d: inout DiagnosticBag) -> Case? {
    guard var m = MappingReader(node, keys: caseKeys, into: &d) else { return nil }
    let name = m.required("name", into: &d).flatMap { ScalarReader.string($0, "`name`", into: &d) }
    let asOf = m.optional("as_of").flatMap { ScalarReader.date($0, "`as_of`", into: &d) }
    let facts = m.required("facts", into: &d)
    var expect: [Expectation] = []
    if let e = m.required("expect", into: &d), let items = ScalarReader.list(e, "`expect`", into: &d) {
      for item in items { if let x = parseExpectation(item, into: &d) { expect.append(x) } }
    }
    m.finish(into: &d)
    guard let name, let facts else { return nil }
    return Case(name: name.value, asOf: asOf?.value, facts: facts, expect: expect, span: node.span)
  }

  private static func parseExpectation(_ node: YAMLNode, into d: inout DiagnosticBag) -> Expectation? {
    guard var m = MappingReader(node, keys: expectationKeys, into: &d) else { return nil }
    let rule = m.required("rule", into: &d).flatMap { ScalarReader.string($0, "`rule`", into: &d) }
    let subject = ScalarReader.optionalString(m.optional("subject"), "`subject`", into: &d)?.value
    var fields: [(name: String, value: Located<String>?)] = []
    for name in comparable {
      guard let value = m.optional(name) else { continue }
      if value.isNull {
        fields.append((name, nil))
      } else if case .sequence(let items) = value.kind {
        let joined = items.compactMap(\.scalar).joined(separator: ";")
        fields.append((name, Located(joined, at: value.span)))
      } else if let text = ScalarReader.string(value, "`\(name)`", into: &d) {
        fields.append((name, text))
      }
    }
    var absent = false
    if let a = m.optional("absent") { absent = a.scalar == "true" }
    m.finish(into: &d)
    guard let rule else { return nil }
    return Expectation(rule: rule, subject: subject, fields: fields, absent: absent, span: node.span)
  }
}
