import PolicyEval
import PolicyValues

/// Results in the JSON of shared/contract.md (`subsidy eval --format json`), written straight to text
/// (`JSONWriter`): no `JSON` tree is built for a result.
public enum ResultJSON {
  /// The whole document, pretty-printed: `{"as_of": …, "results": [ … ]}`. With the facts, each
  /// result that is not payable also says what would make it payable (`to_pay`).
  public static func document(asOf: CivilDate, results: [EvalResult], program: Program, facts: Facts) -> String {
    var out = JSONWriter()
    out.beginObject()
    out.key("as_of")
    out.string(asOf.description)
    out.key("results")
    out.beginArray()
    let answers = program.toPayAnswers(facts: facts, asOf: asOf)
    for r in results {
      write(r, toPay: answers.toPay(r).map { ToPayText.json($0, schema: program.schema) }, to: &out)
    }
    out.endArray()
    out.endObject()
    return String(decoding: out.bytes(), as: UTF8.self)
  }

  /// One result on one line (the ledger's stored explanation of a payment).
  public static func line(_ r: EvalResult) -> String {
    var out = JSONWriter(pretty: false, capacity: 1024)
    write(r, to: &out)
    return String(decoding: out.bytes(), as: UTF8.self)
  }

  /// One result as an object, in the contract's key order. `extra` writes keys that follow the
  /// contract's (the server's `words`) before the object is closed.
  public static func write(_ r: EvalResult, toPay: JSON? = nil, to out: inout JSONWriter,
                           extra: (inout JSONWriter) -> Void = { _ in }) {
    out.beginObject()
    out.key("policy"); out.string(r.policy)
    out.key("rule"); out.string(r.rule)
    out.key("clause"); out.string(r.clause)
    out.key("kind"); out.string(r.kind.rawValue)
    out.key("subject"); out.string(r.subject)
    out.key("beneficiary"); out.string(r.beneficiary)
    out.key("payee"); out.string(r.payee)
    out.key("amount"); out.string(r.amount?.fenString)
    out.key("currency"); out.string("CNY" as StaticString)
    out.key("status"); out.string(r.status.rawValue)
    out.key("eligible_from"); out.string(r.eligibleFrom?.description)
    out.key("expires"); out.string(r.expires?.description)
    if let due = r.due {
      out.key("due"); out.string(due.description)
    }
    if let obligor = r.obligor {
      out.key("obligor"); out.string(obligor)
    }
    out.key("evidence")
    out.beginArray()
    // Lists are read in place through their buffers: an element copied out retained its strings.
    r.evidence.withUnsafeBufferPointer { evidence in
      for i in evidence.indices {
        out.beginObject()
        out.key("id"); out.string(evidence[i].id)
        out.key("provided"); out.bool(evidence[i].provided)
        out.endObject()
      }
    }
    out.endArray()
    out.key("missing_evidence")
    out.beginArray()
    for id in r.missingEvidence { out.string(id) }
    out.endArray()
    out.key("funding"); out.string(r.funding)
    if let why = r.undeterminedReason {
      out.key("undetermined"); out.string(why)
    }
    out.key("explanation")
    out.beginArray()
    r.explanation.withUnsafeBufferPointer { checks in
      for i in checks.indices {
        out.beginObject()
        out.key("check"); out.string(checks[i].check)
        out.key("value"); out.string(checks[i].value)
        out.key("holds"); out.bool(checks[i].holds)
        out.endObject()
      }
    }
    out.endArray()
    if let toPay {
      out.key("to_pay"); out.value(toPay)
    }
    extra(&out)
    out.endObject()
  }
}
