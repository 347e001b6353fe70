import PolicyEval
import PolicyValues

/// What spans chunks for one policy of a comparison, as in a batch: the one claim a limit allows
/// (best so far per slot, in the evaluator's `LimitBook`), the people and
/// organisations already judged, and group aggregates. Settled results go to the tally at once.
struct PolicyMerge {
  let policy: Int
  let program: Program
  private var limits = LimitBook<EvalResult>()
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
    guard let slot = r.limitSlot, r.status.claimsLimit else {
      tally.add(r, policy: policy)
      return
    }
    var slim = r
    slim.explanation = []  // only the figures are needed once the claim is settled
    limits.offer(slim, slot: slot, order: slim.claimOrder)
  }

  /// Settles what had to wait for the whole cohort: limit winners and group results.
  mutating func finish(asOf: CivilDate, into tally: inout CompareTally) {
    for r in limits.drain() { tally.add(r, policy: policy) }
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
