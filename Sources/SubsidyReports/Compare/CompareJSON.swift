import PolicyValues

/// The whole comparison for scripts: the localisation, totals, every beneficiary and payee with
/// their results per policy, and the gains and losses with their reasons.
public enum CompareJSON {
  public static func document(_ report: CompareReport, language: TextReport.Language = .zh) -> JSON {
    let words = CompareWords(language: language)
    let ids = report.policies.map(\.id)
    func figures(_ f: PolicyFigures) -> [(String, JSON)] {
      [("payable", .string(f.payable.fenString)), ("awaiting", .string(f.awaiting.fenString)), ("payable_count", .number(String(f.payableCount))),
       ("awaiting_count", .number(String(f.awaitingCount))), ("undetermined_count", .number(String(f.undeterminedCount)))]
    }
    func party(_ row: PartyRow) -> JSON {
      .object([("id", .string(row.id)), ("kind", .string(row.kind)), ("name", .optional(row.name)),
               ("policies", .object(zip(ids, row.figures.indices).map { id, p in
                 var fields = [("status", JSON.string(row.figures[p].shownStatus.rawValue))] + figures(row.figures[p])
                 if p < row.results.count {
                   fields.append(("results", .array(row.results[p].map { r in
                     .object([("rule", .string(r.rule)), ("clause", .string(r.clause)), ("status", .string(r.status.rawValue)), ("amount", .optional(r.amount?.fenString))])
                   })))
                 }
                 return (id, .object(fields))
               }))])
    }
    var totals: [JSON] = [], categories: [JSON] = [], funding: [JSON] = [], rules: [JSON] = []
    for (p, id) in ids.enumerated() {
      totals.append(.object([("policy", .string(id))] + figures(report.totals[p])))
      for c in report.categories {
        if let f = report.byCategory[p][c] { categories.append(.object([("policy", .string(id)), ("category", .string(c.rawValue)), ("label", .string(words.category(c)))] + figures(f))) }
      }
      for line in report.byFunding[p] { funding.append(.object([("policy", .string(id)), ("funding", .string(line.funding))] + figures(line.figures))) }
      for r in report.byRule[p] { rules.append(.object([("policy", .string(id)), ("rule", .string(r.rule)), ("clause", .string(r.clause))] + figures(r.figures))) }
    }
    return .object([
      ("as_of", .string(report.asOf.description)),
      ("input", .string(report.input)),
      ("policies", .array(report.policies.map { .object([("id", .string($0.id)), ("title", .string($0.title)), ("jurisdiction", .string($0.jurisdiction)), ("localised_hukou", .string($0.home))]) })),
      ("localisation", .string(words.localisation(report))),
      ("rows_read", .number(String(report.rowsRead))),
      ("rows_rejected", .number(String(report.rowsRejected))),
      ("totals", .array(totals)),
      ("by_category", .array(categories)),
      ("by_funding", .array(funding)),
      ("by_rule", .array(rules)),
      ("beneficiaries", .array(report.beneficiaries.map(party))),
      ("payees", .array(report.payees.map(party))),
      ("changes", .array(report.pairs.map { pair(report, $0, words) })),
    ])
  }

  private static func pair(_ report: CompareReport, _ pair: PairChanges, _ words: CompareWords) -> JSON {
    func change(_ c: Change) -> JSON {
      let row = report.beneficiaries[c.beneficiary]
      var fields: [(String, JSON)] = [
        ("id", .string(row.id)), ("name", .optional(row.name)), ("change", .string(words.signed(c.delta))),
        ("from_payable", .string(row.figures[pair.from].payable.fenString)), ("to_payable", .string(row.figures[pair.to].payable.fenString)),
        ("from_status", .string(row.figures[pair.from].shownStatus.rawValue)), ("to_status", .string(row.figures[pair.to].shownStatus.rawValue)),
      ]
      if let reason = c.reason {
        func lines(_ ls: [ChangeReason.Line]) -> JSON {
          .array(ls.map { l in
            .object([("rule", .string(l.rule)), ("clause", .string(l.clause)), ("subject", .string(l.subject)), ("status", .string(l.status.rawValue)),
                     ("amount", .optional(l.amount?.fenString)),
                     ("failed", l.failed.map { .object([("check", .string($0.check)), ("value", .string($0.value))]) } ?? .null)])
          })
        }
        fields.append(("reason", .object([("from", lines(reason.from)), ("to", lines(reason.to)),
                                          ("difference", .optional(reason.difference.map { words.difference($0, report, pair) }))])))
      }
      return .object(fields)
    }
    return .object([
      ("from", .string(report.policies[pair.from].id)), ("to", .string(report.policies[pair.to].id)),
      ("gained", .string(pair.gained.fenString)), ("lost", .string(pair.lost.fenString)), ("unchanged", .number(String(pair.unchanged))),
      ("gainers", .array(pair.gainers.map(change))), ("losers", .array(pair.losers.map(change))),
    ])
  }
}
