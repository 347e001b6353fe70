import PolicyEval
import PolicyValues

/// What spans chunks for one policy of a comparison, as in a batch: the one claim a limit allows
/// (best so far per key, decided by the evaluator's own `claimPrecedes`), the people and
/// organisations already judged, and group aggregates. Settled results go to the tally at once.
struct PolicyMerge {
  let policy: Int
  let program: Program
  private var winners: [String: EvalResult] = [:]
  private var winnerOrder: [String] = []
  private var judged = Set<String>()
  private var groups: [String: GroupTable] = [:]

  init(policy: Int, program: Program) {
    self.policy = policy
    self.program = program
  }

  /// One chunk's results for this policy, in input order.
  mutating func take(_ work: PolicyChunkResults, into tally: inout CompareTally) {
    for r in work.rows { consider(r, into: &tally) }
    // A person or organisation met again in a later chunk (or as a copy made by localising) is judged once.
    for r in work.entities where judged.insert("\(r.rule)/\(r.subject)").inserted { consider(r, into: &tally) }
    for (rule, table) in work.groups { groups[rule, default: GroupTable()].merge(table) }
  }

  private mutating func consider(_ r: EvalResult, into tally: inout CompareTally) {
    guard let key = r.limitKey, r.status.claimsLimit else {
      tally.add(r, policy: policy)
      return
    }
    var slim = r
    slim.explanation = []  // only the figures are needed once the claim is settled
    if let current = winners[key] {
      if slim.claimPrecedes(current) { winners[key] = slim }
    } else {
      winners[key] = slim
      winnerOrder.append(key)
    }
  }

  /// Settles what had to wait for the whole cohort: limit winners and group results.
  mutating func finish(asOf: CivilDate, into tally: inout CompareTally) {
    for key in winnerOrder { if let r = winners[key] { tally.add(r, policy: policy) } }
    winners = [:]
    winnerOrder = []
    for r in program.finishGroups(groups, facts: Facts(schema: program.schema), asOf: asOf) { tally.add(r, policy: policy) }
    groups = [:]
  }
}

/// One chunk evaluated under one policy: its placement results, entity results and group aggregates.
struct PolicyChunkResults: Sendable {
  var rows: [EvalResult] = []
  var entities: [EvalResult] = []
  var groups: [String: GroupTable] = [:]
}
