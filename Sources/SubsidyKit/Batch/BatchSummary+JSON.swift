import PolicyEval
import PolicyValues

extension BatchSummary {
  /// The figures of `render` for a program to read (the `summary` part of the server's `POST /v1/batch`):
  /// rows read, evaluated and rejected; results by kind of rule and status, by funding source and by
  /// rule; what the ledger recorded. Amounts are decimal strings, as in the payouts file.
  public var json: JSON {
    func tallies(_ statuses: [Status: Tally], amounts: Bool) -> JSON {
      .array(statuses.sorted { $0.key.rawValue < $1.key.rawValue }.map { status, tally in
        var fields: [(String, JSON)] = [("status", .string(status.rawValue)), ("count", .number(String(tally.count)))]
        if amounts { fields.append(("amount", .string(tally.amount.fenString))) }
        return .object(fields)
      })
    }
    let groupsJSON: [JSON] = Group.allCases.compactMap { group in
      guard let statuses = byGroup[group], !statuses.isEmpty else { return nil }
      return .object([("kind", .string(group.name)), ("statuses", tallies(statuses, amounts: group.hasAmounts))])
    }
    let rules: [JSON] = byRule.sorted { $0.key < $1.key }.map { key, statuses in
      let group = groups[key] ?? .payments
      return .object([("policy", .string(key.policy)), ("rule", .string(key.rule)), ("clause", .optional(clauses[key])),
                      ("kind", .string(group.name)), ("statuses", tallies(statuses, amounts: group.hasAmounts))])
    }
    return .object([
      ("rows_read", .number(String(rowsRead))), ("rows_evaluated", .number(String(rowsEvaluated))),
      ("rows_rejected", .number(String(rowsRejected))), ("balances", .bool(balances)),
      ("by_status", tallies(byStatus, amounts: true)),
      ("by_kind", .array(groupsJSON)),
      ("payable_by_funding", .array(byFunding.sorted { $0.key < $1.key }.map { funding, tally in
        .object([("funding", .string(funding)), ("count", .number(String(tally.count))), ("amount", .string(tally.amount.fenString))])
      })),
      ("by_rule", .array(rules)),
      ("committed", .number(String(committed))), ("already_paid", .number(String(alreadyPaid))),
    ])
  }
}

extension BatchSummary.Group {
  /// The kind's name in JSON (the rule kinds' plural: `payments`, `qualifications`, …).
  var name: String {
    switch self {
    case .payments: "payments"
    case .advances: "advances"
    case .entitlements: "entitlements"
    case .qualifications: "qualifications"
    case .obligations: "obligations"
    }
  }
}
