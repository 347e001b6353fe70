import PolicySupport
import PolicyValues

/// One policy file as written: a document of law and the rules that encode it.
public struct PolicyFile: Sendable {
  public var path: String
  public var id: Located<String>
  public var title: String
  public var document: DocumentInfo
  /// Division-code prefix (2, 4 or 6 digits) the policy covers.
  public var jurisdiction: Located<String>
  public var effectiveFrom: Located<CivilDate>?
  public var effectiveUntil: Located<CivilDate>?
  public var parameters: [Parameter]
  public var rules: [Rule]
  public var span: SourceSpan
  /// Every name under `parameters`, including those whose declaration had errors: a rule using
  /// a broken parameter is not told again that the parameter is unknown.
  public var declaredParameters: Set<String> = []
  /// The policy this one is an overlay of (`extends: yingjiang`), already merged in.
  public var extends: Located<String>?

  public init(path: String, id: Located<String>, title: String, document: DocumentInfo, jurisdiction: Located<String>,
              effectiveFrom: Located<CivilDate>?, effectiveUntil: Located<CivilDate>?, parameters: [Parameter], rules: [Rule], span: SourceSpan) {
    self.path = path
    self.id = id
    self.title = title
    self.document = document
    self.jurisdiction = jurisdiction
    self.effectiveFrom = effectiveFrom
    self.effectiveUntil = effectiveUntil
    self.parameters = parameters
    self.rules = rules
    self.span = span
  }
}

/// The issuing document a policy encodes: cited in every explanation.
public struct DocumentInfo: Sendable {
  public var issuer: String
  public var number: String?
  public var date: CivilDate?
  public var source: String?
  public init(issuer: String, number: String?, date: CivilDate?, source: String?) {
    self.issuer = issuer
    self.number = number
    self.date = date
    self.source = source
  }
}

/// A named value of the law (an amount, a threshold), possibly changing from given dates.
public struct Parameter: Sendable {
  public enum ValueType: String, Sendable, CaseIterable { case money, number, months, days, date, bool }

  /// A value in force from `from` on; `value == nil` ends the parameter (`null` in YAML).
  public struct DatedValue: Sendable {
    public var from: Located<CivilDate>
    public var value: Value?
  }

  public enum Value: Sendable {
    case scalar(Located<String>)
    /// Rows of a table keyed by an enum value or a string.
    case table([(key: Located<String>, value: Located<String>)])
  }

  public var name: Located<String>
  public var type: Located<ValueType>
  /// For tables: the enum that keys the rows, or `string`.
  public var by: Located<String>?
  public var unit: String?
  public var clause: String?
  /// The reading chosen, in Chinese (what officers read); `noteEn` is its English for `--lang en`.
  public var note: String?
  public var noteEn: String? = nil
  public var values: [DatedValue]
}
