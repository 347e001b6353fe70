import PolicyCheck
import PolicyValues

/// What a batch needs from the evaluator when a file is read in chunks.
///
/// A batch row is one dispatch with its person, household, organiser and employer. Rules about
/// dispatches are evaluated chunk by chunk; group rules accumulate across chunks; rules about
/// people, households and organisations run once at the end over the distinct records, so a
/// subject that appears in many rows is judged once.
extension Program {
  /// The entity kind a batch row holds (`dispatch`).
  public var rowKind: Int? { schema.entityIndex["dispatch"] }

  /// Results of the rules about the row kind, limits not yet applied (the batch resolves them across chunks).
  /// Refused results are not built, only counted per rule (`refused[ruleIndex]`): a batch writes no line for them.
  /// With `explainKept`, a result that is kept is evaluated again with its explanation (a replay of the
  /// same rule on the same row), so every payment committed to the ledger says why.
  public func evaluateRowRules(_ facts: Facts, asOf: CivilDate, refused: inout [Int], explainKept: Bool = false) -> [EvalResult] {
    guard let rowKind else { return [] }
    return withUnsafeMutablePointer(to: &refused) {
      evaluate(facts, asOf: asOf, where: { !$0.isGroup && $0.checked.subject == rowKind }, applyLimits: false, refused: $0, explainKept: explainKept)
    }
  }

  /// How many rules the program has, for `refused` counters; and each one's names.
  public var ruleCount: Int { policies.reduce(0) { $0 + $1.rules.count } }
  public var ruleNames: [(policy: String, rule: String, clause: String)] {
    policies.flatMap { p in p.rules.map { (p.checked.id, $0.checked.id, $0.checked.syntax.clause.value) } }
  }

  /// The entity kind of each rule's subject, by rule index (for groups, of the members).
  public var ruleSubjectKinds: [Int] { policies.flatMap { $0.rules.map(\.checked.subject) } }

  /// What a batch writes for each rule, by rule index: names, funding source and limit keys.
  public var ruleInfo: [RuleTerms] {
    policies.flatMap { p in
      p.rules.map {
        RuleTerms(policy: p.checked.id, rule: $0.checked.id, clause: $0.checked.syntax.clause.value,
                 funding: $0.checked.syntax.funding ?? "", limit: $0.checked.limit)
      }
    }
  }

  /// Adds a chunk's rows to the group rules' tables, keyed `policy/rule`. `position` maps a record to its
  /// place in the whole input (its line), so the first member of a group is the same however the file is cut.
  public func accumulateGroups(_ facts: Facts, asOf: CivilDate, into tables: inout [String: GroupTable], position: (Int) -> Int) {
    accumulateGroups(facts, asOf: asOf, into: &tables, position: position, memberRows: nil)
  }

  /// As `accumulateGroups(_:asOf:into:position:)`, and `memberRows` (a flag per record of the row kind)
  /// marks each row a group rule about rows took as a member: a batch that rejects rows after they were
  /// accumulated (a repeated dispatch id) must take back only those rows' share. A rule about another
  /// kind (people, households) reads no row: its paths lead from its subject to what the subject names.
  public func accumulateGroups(_ facts: Facts, asOf: CivilDate, into tables: inout [String: GroupTable], position: (Int) -> Int,
                               memberRows: UnsafeMutableBufferPointer<Bool>?) {
    let ctx = EvalContext(facts: facts, date: asOf)
    let households = HouseholdCodes(facts: facts, schema: schema, needed: needsHouseholdCodes)
    var batch: FactBatch?
    var anchorCodes: [Int: [Int64]?] = [:]
    var ruleIndex = -1
    for policy in policies {
      ctx.parameters = policy.checked.parameters
      for rule in policy.rules {
        ruleIndex += 1
        guard rule.isGroup else { continue }
        // The members the policy covers and the rule's filter may take, found over the chunk's columns
        // (`RuleProgram(groupMembers:)`): the member loop then judges only those, where it judged
        // every record with the row path's closures. Both are filters in front of the loop's own
        // checks, which still decide, so the groups are the same (`BatchEngineEquivalenceTests`).
        var members: [Int32]?
        if usesColumnPrograms, let program = groupMemberPrograms[ruleIndex], program.subject == rule.checked.subject {
          let kind = program.subject
          if anchorCodes[kind] == nil { anchorCodes[kind] = .some(Self.anchorCodes(rule.anchor, facts, count: facts.tables[kind].count)) }
          let covered = coveredRecords(policy, rule.anchor, kind: kind, anchorCodes: anchorCodes[kind] ?? nil, ctx, households)
          if batch == nil { batch = FactBatch(facts) }
          if let batch { members = program.survivors(batch, candidates: covered, parameters: policy.checked.parameters, asOf: asOf)?.rows ?? covered }
        }
        accumulate(rule, policy, ctx, asOf: asOf, households: households, into: &tables["\(policy.checked.id)/\(rule.checked.id)", default: GroupTable()],
                   members: members, position: position, marking: rule.checked.subject == rowKind ? memberRows : nil)
      }
    }
  }

  /// Results of the group rules from their accumulated tables, limits applied (`finishGroups(facts:asOf:groups:claims:emit:)`
  /// with the tables and the limits in memory).
  public func finishGroups(_ tables: [String: GroupTable], facts: Facts, asOf: CivilDate) -> [EvalResult] {
    var out: [EvalResult] = []
    var claims = GroupClaimBook()
    do {
      try finishGroups(facts: facts, asOf: asOf, groups: { name, body in try tables[name]?.pages(4_096, body) },
                       claims: &claims, emit: { out += $0 })
    } catch {
      // Nothing here throws: the tables and the claims are in memory.
      assertionFailure("\(error)")
    }
    return out
  }

  /// Results of the rules about people, households, organisations…: everything but the row kind and groups.
  public func evaluateEntityRules(_ facts: Facts, asOf: CivilDate, refused: inout [Int], explainKept: Bool = false) -> [EvalResult] {
    withUnsafeMutablePointer(to: &refused) {
      evaluate(facts, asOf: asOf, where: { !$0.isGroup && $0.checked.subject != rowKind }, applyLimits: false, refused: $0, explainKept: explainKept)
    }
  }

  /// Whether any rule is about something other than the row kind (so the batch must evaluate those too).
  public var hasEntityRules: Bool { policies.contains { $0.rules.contains { !$0.isGroup && $0.checked.subject != rowKind } } }
  public var hasGroupRules: Bool { policies.contains { $0.rules.contains(where: \.isGroup) } }

  /// The limit keys of a rule (`beneficiary`, `year`…), for refusing a claim with the right words.
  public func limit(policy: String, rule: String) -> [String] {
    policies.first { $0.checked.id == policy }?.rules.first { $0.checked.id == rule }?.checked.limit ?? []
  }

  /// Evaluates the rules selected by `include` over every subject of `facts`. With `refused`, results that
  /// are refused are counted there by rule index instead of being built (the batch's fast path).
  func evaluate(_ facts: Facts, asOf: CivilDate, where include: (CompiledRule) -> Bool, applyLimits limits: Bool,
                refused: UnsafeMutablePointer<[Int]>? = nil, explainKept: Bool = false) -> [EvalResult] {
    let context = EvalContext(facts: facts, date: asOf)
    let households = HouseholdCodes(facts: facts, schema: schema, needed: needsHouseholdCodes)
    let renderer = ValueRenderer(schema: schema, facts: facts)
    let explain = refused == nil
    var results: [EvalResult] = []
    var batch: FactBatch?
    var ruleIndex = -1
    // Each kind's anchor codes, read once for all policies (`coveredRecords`).
    var anchorCodes: [Int: [Int64]?] = [:]
    for policy in policies {
      context.parameters = policy.checked.parameters
      // Which records the policy covers, per subject kind: computed once, not once per rule.
      var covered: [Int: [Int32]] = [:]
      for rule in policy.rules {
        ruleIndex += 1
        guard include(rule) else { continue }
        // The rule's results are appended to `results` in place (a batch keeps thousands per chunk:
        // gathering them in an array of their own copied each one twice).
        let first = results.count
        if rule.isGroup {
          results += evaluateGroups(rule, policy, context, asOf: asOf, households: households, renderer: renderer)
        } else {
          let kind = rule.checked.subject
          // The table's ids alone (one array retained), not the whole table copied out.
          let tableIDs = facts.tables[kind].ids
          if covered[kind] == nil {
            if anchorCodes[kind] == nil { anchorCodes[kind] = .some(Self.anchorCodes(rule.anchor, facts, count: facts.tables[kind].count)) }
            covered[kind] = coveredRecords(policy, rule.anchor, kind: kind, anchorCodes: anchorCodes[kind] ?? nil, context, households)
          }
          var subjects = covered[kind] ?? []
          // Whether the column program found every condition of the subject true (none undetermined).
          var certain: [Bool] = []
          // The amount of each subject as the column program found it, where it is known.
          var amounts: Vec?
          // The batch's fast path: subjects the rule's column program refuses are only counted.
          if refused != nil, usesColumnPrograms, let program = columnPrograms[ruleIndex] {
            if batch == nil { batch = FactBatch(facts) }
            if let batch, let survivors = program.survivors(batch, candidates: subjects, parameters: policy.checked.parameters, asOf: asOf) {
              refused?.pointee[ruleIndex] += subjects.count - survivors.rows.count
              subjects = survivors.rows
              certain = survivors.certain
              amounts = survivors.amounts
            }
          }
          context.kind = kind
          // The subjects' ids, read in one pass before any is judged: the reads do not wait for each other
          // there, where each waited for the memory between two subjects' work (a chunk's ids are cold
          // by the time its rules run).
          let ids = subjects.map { tableIDs[Int($0)] }
          for (i, subject) in subjects.enumerated() {
            let record = Int(subject)
            context.record = record
            var amount: Fixed?
            if let amounts, i < amounts.values.count, amounts.states[i] == FactBatch.known { amount = Fixed(raw: amounts.values[i]) }
            if let r = evaluate(rule, policy, context, subject: ids[i], asOf: asOf, renderer: renderer, explain: explain,
                                conditionsHold: i < certain.count && certain[i], amount: amount) {
              if explain || !Self.isRefusal(r.status) {
                let kept = explainKept && !explain
                  ? evaluate(rule, policy, context, subject: tableIDs[record], asOf: asOf, renderer: renderer, explain: true) ?? r : r
                results.append(kept)
                continue
              }
            }
            refused?.pointee[ruleIndex] += 1
          }
        }
        // In place: the rule's results are not copied out and back.
        if limits, results.count > first { applyLimits(rule, to: &results, from: first) }
      }
    }
    return results
  }

  static func isRefusal(_ status: Status) -> Bool { status == .ineligible || status == .notApplicable || status == .notMet }
}

/// A rule's names and terms as a batch writes them, shared by every payout line of the rule.
public struct RuleTerms: Sendable {
  public var policy: String
  public var rule: String
  public var clause: String
  public var funding: String
  public var limit: [String]
  public init(policy: String, rule: String, clause: String, funding: String, limit: [String]) {
    self.policy = policy
    self.rule = rule
    self.clause = clause
    self.funding = funding
    self.limit = limit
  }
  /// For an index out of range: writes empty names rather than failing.
  public static let unknown = RuleTerms(policy: "", rule: "", clause: "", funding: "", limit: [])
}
