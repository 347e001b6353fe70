import PolicyDSL
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

  public static func parse(_ source: SourceFile, into d: inout DiagnosticBag) -> TestFile? {
    guard let root = YAMLLoader.load(source, into: &d), var top = MappingReader(root, context: "test file", into: &d) else { return nil }
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
    guard var m = MappingReader(node, context: "test case", into: &d) else { return nil }
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
    guard var m = MappingReader(node, context: "expected result", into: &d) else { return nil }
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
