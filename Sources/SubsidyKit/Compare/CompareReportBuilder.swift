import PolicyEval
import PolicyValues

/// Turns the running tally into the report: totals in policy order, and the gains and losses of
/// each policy against the first.
struct CompareReportBuilder {
  let policies: [ComparedPolicy]
  let tally: CompareTally
  let input: String
  let asOf: CivilDate

  func build() -> CompareReport {
    let infos = policies.map { p in
      CompareReport.PolicyInfo(id: p.checked.id, title: p.checked.syntax.title, jurisdiction: p.localizer.jurisdiction, home: p.localizer.home.description)
    }
    let byRule = tally.rules.enumerated().map { p, rules in
      rules.enumerated().filter { $0.element.countsAsMoney && tally.byRule[p][$0.offset].best != nil }.map { i, info in (rule: info.id, clause: info.clause, figures: tally.byRule[p][i]) }
    }
    let byFunding = tally.byFunding.map { table in table.keys.sorted().map { (funding: $0, figures: table[$0] ?? PolicyFigures()) } }
    let pairs = (1..<max(1, policies.count)).map { pairChanges(from: 0, to: $0) }
    return CompareReport(input: input, asOf: asOf, policies: infos, beneficiaries: tally.beneficiaries, payees: tally.payees, totals: tally.totals,
                         byCategory: tally.byCategory, byRule: byRule, byFunding: byFunding, pairs: pairs)
  }

  private func pairChanges(from: Int, to: Int) -> PairChanges {
    var gainers: [Change] = [], losers: [Change] = []
    var gained = Fixed.zero, lost = Fixed.zero
    var unchanged = 0
    for (i, row) in tally.beneficiaries.enumerated() {
      guard let delta = row.figures[to].payable.subtracting(row.figures[from].payable) else { continue }
      if delta > .zero {
        gainers.append(Change(beneficiary: i, delta: delta))
        gained = gained.adding(delta) ?? gained
      } else if delta < .zero {
        losers.append(Change(beneficiary: i, delta: delta))
        lost = lost.adding(delta) ?? lost
      } else {
        unchanged += 1
      }
    }
    let rows = tally.beneficiaries
    gainers.sort { ($0.delta, rows[$1.beneficiary].id) > ($1.delta, rows[$0.beneficiary].id) }
    losers.sort { ($0.delta, rows[$0.beneficiary].id) < ($1.delta, rows[$1.beneficiary].id) }
    return PairChanges(from: from, to: to, gainers: gainers, losers: losers, gained: gained, lost: lost, unchanged: unchanged)
  }
}

extension CompareReport {
  /// The people whose changes are explained: the largest `n` gains and losses of each pair.
  func detailWanted(_ n: Int) -> Set<String> {
    var ids = Set<String>()
    for pair in pairs {
      for change in pair.gainers.prefix(n) + pair.losers.prefix(n) where beneficiaries[change.beneficiary].kind == "person" {
        ids.insert(beneficiaries[change.beneficiary].id)
      }
    }
    return ids
  }

  /// Fills `reason` of the largest changes from the explained results of the second pass.
  mutating func attachReasons(_ explained: [String: [[EvalResult]]], detail n: Int, parameters: ParameterChanges) {
    for k in pairs.indices {
      let pair = pairs[k]
      for i in pairs[k].gainers.indices.prefix(n) {
        pairs[k].gainers[i].reason = reason(pairs[k].gainers[i], pair, explained, parameters)
      }
      for i in pairs[k].losers.indices.prefix(n) {
        pairs[k].losers[i].reason = reason(pairs[k].losers[i], pair, explained, parameters)
      }
    }
  }

  private func reason(_ change: Change, _ pair: PairChanges, _ explained: [String: [[EvalResult]]], _ parameters: ParameterChanges) -> ChangeReason? {
    guard let results = explained[beneficiaries[change.beneficiary].id] else { return nil }
    let a = results[pair.from].filter { $0.kind == .payment }, b = results[pair.to].filter { $0.kind == .payment }
    let lower = change.delta > .zero ? pair.from : pair.to
    return ChangeReasoner(parameters: parameters.lines(pair.to), amountTexts: parameters.amountTexts(pair.to)).reason(from: a, to: b, lowerSide: lower, pair: pair)
  }
}
