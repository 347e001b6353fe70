import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues

/// Converts one written value to a `Value` of a field's type, explaining any mismatch.
enum FieldConverter {
  static func convert(_ node: YAMLNode, _ field: FactSchema.Field, entity: FactSchema.Entity, schema: FactSchema,
                      into d: inout DiagnosticBag) -> Value? {
    let what = "`\(entity.name).\(field.name)`"
    if case .list(let inner) = field.type {
      let items: [(String, SourceSpan)]
      switch node.kind {
      case .sequence(let list):
        var out: [(String, SourceSpan)] = []
        for item in list {
          guard let text = item.scalar else {
            d.add(.error("invalid-value", "\(what) must be a list of names, found \(item.describe)", at: item.span))
            return nil
          }
          out.append((text, item.span))
        }
        items = out
      case .scalar(let text, _):
        // The batch CSV writes lists as `a;b;c`; accept that form here too.
        items = text.split(separator: ";").map { (String($0).trimmingSpaces, node.span) }
      case .mapping:
        d.add(.error("invalid-value", "\(what) must be a list, found a mapping", at: node.span))
        return nil
      }
      var values: [Value] = []
      for (text, span) in items {
        guard let v = convert(Located(text, at: span), inner, what: what, schema: schema, into: &d) else { return nil }
        values.append(v)
      }
      return .list(values)
    }
    guard let text = node.scalar else {
      d.add(.error("invalid-value", "\(what) must be a single value, found \(node.describe)", at: node.span))
      return nil
    }
    if case .bool = field.type, case .scalar(_, let plain) = node.kind, !plain {
      d.add(.error("invalid-value", "\(what) must be true or false, found the quoted text `\(text)`", at: node.span, help: "remove the quotes"))
      return nil
    }
    return convert(Located(text, at: node.span), field.type, what: what, schema: schema, into: &d)
  }

  static func convert(_ text: Located<String>, _ type: FieldType, what: String, schema: FactSchema, into d: inout DiagnosticBag) -> Value? {
    let s = text.value
    switch type {
    case .id, .string:
      return .string(s)
    case .bool:
      if s == "true" { return .bool(true) }
      if s == "false" { return .bool(false) }
      d.add(.error("invalid-value", "\(what) must be true or false, found `\(s)`", at: text.span))
    case .number, .money:
      if let n = Fixed.parse(s) { return .number(n) }
      d.add(.error("invalid-value", "\(what) must be a number, found `\(s)`", at: text.span, help: "write digits with at most 4 decimals, e.g. 350.00"))
    case .integer:
      if let n = Fixed.parse(s), n.isInteger { return .number(n) }
      d.add(.error("invalid-value", "\(what) must be a whole number, found `\(s)`", at: text.span))
    case .date:
      if let date = CivilDate.parse(s) { return .date(date) }
      d.add(.error("invalid-date", "\(what) must be a date, found `\(s)`", at: text.span, help: DateText.explain(s)))
    case .code:
      switch DivisionCode.validate(s) {
      case .success(let code): return .code(code)
      case .failure(let problem):
        d.add(.error("invalid-division-code", "\(what) `\(s)` is not a division code: \(problem)", at: text.span,
                     help: "a 6-digit 行政区划代码 such as 533123"))
      }
    case .idNumber:
      switch IDNumber.validate(s) {
      case .success(let id): return .string(id.value)
      case .failure(let problem):
        d.add(.error("invalid-id-number", "\(what) is not a valid ID number: \(problem)", at: text.span))
      }
    case .enumeration(let name):
      guard let e = schema.enums[name] else { return nil }
      if let index = e.index(of: s) { return .enumCase(index) }
      d.add(.error("unknown-enum-value", "\(what) `\(s)` is not a value of `\(name)`", at: text.span,
                   help: EditDistance.didYouMean(s, among: e.cases) ?? "one of: \(e.cases.joined(separator: ", "))"))
    case .reference:
      return .string(s)
    case .list:
      d.add(.error("invalid-value", "\(what) cannot nest lists", at: text.span))
    }
    return nil
  }

  /// A schema default (`default: none`), converted without a place to report to.
  static func convert(text: String, _ type: FieldType, schema: FactSchema) -> Value? {
    var scratch = DiagnosticBag()
    let span = SourceSpan(file: "<schema default>", line: 1, column: 1)
    return convert(Located(text, at: span), type, what: "default", schema: schema, into: &scratch)
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
