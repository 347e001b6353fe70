import PolicyCheck
import PolicyEval
import PolicySupport
import PolicyValues

/// Masks personal data in results before they are shown, by type: the value a condition saw is
/// masked whole when the condition reads a `pii` field of the schema (`person.id_number`), and
/// ids, payees and every other value are masked where they look like an ID number (a `person_id`
/// that is itself a 身份证号). The masking itself is `PIIMask`'s, the one masker.
public struct PIIRedactor: Sendable {
  /// The source spans of conditions that read a `pii` field (an explanation line carries its condition's span).
  let personalConditions: Set<SourceSpan>

  public init(program: Program) {
    let schema = program.schema
    var spans = Set<SourceSpan>()
    for policy in program.checkedPolicies {
      for rule in policy.rules {
        for condition in rule.conditions where Self.readsPII(condition, schema) { spans.insert(condition.source.span) }
      }
    }
    personalConditions = spans
  }

  /// The result as it may be shown without `--show-pii`.
  public func result(_ r: EvalResult) -> EvalResult {
    var r = r
    r.subject = PIIMask.mask(r.subject)
    r.beneficiary = r.beneficiary.map(PIIMask.mask)
    r.payee = r.payee.map(PIIMask.mask)
    r.limitKey = r.limitKey.map(PIIMask.mask)
    // In place, and only where a text changes: most checks show no ID number, and copying every
    // check into a new array was a good part of an answer's words.
    for i in r.explanation.indices {
      let value = maskedValue(r.explanation[i].value, span: r.explanation[i].span)
      if value != r.explanation[i].value { r.explanation[i].value = value }
      let text = PIIMask.mask(r.explanation[i].check)
      if text != r.explanation[i].check { r.explanation[i].check = text }
    }
    return r
  }

  public func check(_ c: Check) -> Check {
    var c = c
    c.value = maskedValue(c.value, span: c.span)
    c.check = PIIMask.mask(c.check)
    // The values the condition read, which its words quote (`（实际：电话为…）`): masked whole too when
    // the condition reads a `pii` field.
    if let span = c.span, personalConditions.contains(span), case .condition(let rule, let index, let witnesses, let value)? = c.reason {
      c.reason = .condition(rule: rule, index: index, witnesses: witnesses.map { w in
        var w = w
        if case .string(let text) = w.value { w.value = .string(PIIMask.masked(text)) }
        return w
      }, value: value)
    }
    return c
  }

  /// The value a check saw: masked whole when its condition reads a `pii` field, else where it looks like an ID number.
  private func maskedValue(_ value: String, span: SourceSpan?) -> String {
    if let span, !personalConditions.isEmpty, personalConditions.contains(span) {
      return value == "null" ? value : PIIMask.masked(value)
    }
    return PIIMask.mask(value)
  }

  static func readsPII(_ e: TypedExpr, _ schema: FactSchema) -> Bool {
    switch e.node {
    case .field(let steps):
      guard let last = steps.last, last.entity < schema.entities.count, last.slot < schema.entities[last.entity].fields.count else { return false }
      return schema.entities[last.entity].fields[last.slot].pii
    case .constant, .parameter, .groupKey: return false
    case .tableLookup(_, let key): return readsPII(key, schema)
    case .unary(_, let x): return readsPII(x, schema)
    case .binary(_, let a, let b): return readsPII(a, schema) || readsPII(b, schema)
    case .call(_, let args), .list(let args): return args.contains { readsPII($0, schema) }
    case .conditional(let a, let b, let c): return readsPII(a, schema) || readsPII(b, schema) || readsPII(c, schema)
    case .aggregate(_, let x): return x.map { readsPII($0, schema) } ?? false
    }
  }
}
