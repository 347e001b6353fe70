import PolicyEval
import PolicySupport
import PolicyValues

extension CompareReport {
  /// The report as it may be shown without `--show-pii`: every id, subject, value and reject that
  /// looks like an ID number masked (a `person_id` that is itself a 身份证号). All four renderers
  /// (text, CSV, JSON, HTML) print from this one copy.
  public func maskingPII() -> CompareReport {
    var r = self
    let mask = PIIMask.mask as (String) -> String
    for i in r.beneficiaries.indices {
      r.beneficiaries[i].id = mask(r.beneficiaries[i].id)
      r.beneficiaries[i].name = r.beneficiaries[i].name.map(mask)
    }
    for i in r.payees.indices { r.payees[i].id = mask(r.payees[i].id) }
    func check(_ c: Check?) -> Check? {
      c.map { var c = $0; c.value = mask(c.value); c.check = mask(c.check); return c }
    }
    func line(_ l: ChangeReason.Line) -> ChangeReason.Line {
      var l = l
      l.subject = mask(l.subject)
      l.failed = check(l.failed)
      return l
    }
    for p in r.pairs.indices {
      for kind in [true, false] {
        var changes = kind ? r.pairs[p].gainers : r.pairs[p].losers
        for c in changes.indices {
          guard var reason = changes[c].reason else { continue }
          reason.from = reason.from.map(line)
          reason.to = reason.to.map(line)
          switch reason.difference {
          case .condition(let rule, let subject, let from, let to):
            reason.difference = .condition(rule: rule, subject: mask(subject), from: check(from), to: check(to))
          case .amount(let rule, let subject, let from, let to, let parameters):
            reason.difference = .amount(rule: rule, subject: mask(subject), from: from, to: to, parameters: parameters)
          case .status(let rule, let subject, let from, let to, let fromDate, let toDate):
            reason.difference = .status(rule: rule, subject: mask(subject), from: from, to: to, fromDate: fromDate, toDate: toDate)
          case .refusal(let policy, let rule, let subject, let c):
            reason.difference = .refusal(policy: policy, rule: rule, subject: mask(subject), check: check(c)!)
          case .noRule, .none:
            break
          }
          changes[c].reason = reason
        }
        if kind { r.pairs[p].gainers = changes } else { r.pairs[p].losers = changes }
      }
    }
    for i in r.rejects.indices {
      r.rejects[i].value = mask(r.rejects[i].value)
      r.rejects[i].reason = r.rejects[i].reason.map(mask)
    }
    return r
  }
}
