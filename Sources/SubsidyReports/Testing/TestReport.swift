import PolicyEval
import PolicySupport

/// The outcome of the officers' test cases (`TestRunner`'s `Report`): here, below the runner, because
/// its JSON (`TestReport+JSON.swift`) is a report like the others.
public struct TestReport: Sendable {
  public struct Failure: Sendable {
    public var file: String
    public var caseName: String
    public var span: SourceSpan
    public var message: String
    /// The explanation of the result that did not match, to show why.
    public var explanation: [Check]

    package init(file: String, caseName: String, span: SourceSpan, message: String, explanation: [Check]) {
      self.file = file
      self.caseName = caseName
      self.span = span
      self.message = message
      self.explanation = explanation
    }
  }

  /// Per rule: how many results the cases produced, and for each condition whether it was seen to hold and to fail.
  public struct RuleCoverage: Sendable {
    public var policy: String
    public var rule: String
    public var clause: String
    public var results = 0
    public var expected = 0
    public var statuses: Set<String> = []
    public var conditions: [(text: String, held: Bool, failed: Bool)] = []

    package init(policy: String, rule: String, clause: String, conditions: [(text: String, held: Bool, failed: Bool)]) {
      self.policy = policy
      self.rule = rule
      self.clause = clause
      self.conditions = conditions
    }
  }

  public var passed = 0
  public var failed: [Failure] = []
  public var diagnostics = DiagnosticBag()
  public var sources: [SourceFile] = []
  public var coverage: [RuleCoverage] = []
  public var untestedPolicies: [String] = []

  package init() {}
}
