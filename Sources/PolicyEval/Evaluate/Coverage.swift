import PolicyCheck
import PolicyValues

extension Program {
  /// The records of entity kind `kind` that `policy` judges (`applies`), in record order.
  ///
  /// Computed once per policy and kind, not per rule. Where the subject is placed by a path of fields
  /// the table holds encoded (`person.hukou` of a dispatch, `location` of an organisation), the codes are
  /// read straight from the columns' arrays, with no closure call and no `Value` per record; any other
  /// anchor asks `applies` record by record.
  /// `anchorCodes` are the codes of the kind's records (`anchorCodes(_:_:count:)`), read once for all
  /// policies; nil where the anchor has no column form.
  func coveredRecords(_ policy: CompiledPolicy, _ anchor: AnchorReader, kind: Int, anchorCodes: [Int64]?, _ ctx: EvalContext,
                      _ households: HouseholdCodes) -> [Int32] {
    let count = ctx.facts.tables[kind].count
    var out: [Int32] = []
    out.reserveCapacity(count)
    if let codes = anchorCodes {
      let area = policy.jurisdiction.codes, excluded = policy.supersededBy.map(\.area.codes)
      for record in 0..<count {
        let code = codes[record]
        guard area.contains(code), !excluded.contains(where: { $0.contains(code) }) else { continue }
        out.append(Int32(record))
      }
      return out
    }
    ctx.kind = kind
    for record in 0..<count {
      ctx.record = record
      if applies(policy, anchor, ctx, households) { out.append(Int32(record)) }
    }
    return out
  }

  /// The division code each record's anchor path reaches (-1 where a step is null), or nil when the
  /// anchor is not a path, a column on the way is not held encoded or the path does not end at a code.
  static func anchorCodes(_ anchor: AnchorReader, _ facts: Facts, count: Int) -> [Int64]? {
    guard case .path(let steps) = anchor.mode, let last = steps.last, facts.tables[last.entity].columns[last.slot].codec == .code else { return nil }
    var values = (0..<Int64(count)).map { $0 }
    for step in steps {
      let column = facts.tables[step.entity].columns[step.slot]
      guard column.isEncoded else { return nil }
      column.values.withUnsafeBufferPointer { cells in
        column.states.withUnsafeBufferPointer { states in
          for i in values.indices where values[i] >= 0 {
            let record = Int(values[i])
            values[i] = record < cells.count && states[record] == FactColumn.known ? cells[record] : -1
          }
        }
      }
    }
    return values
  }
}

extension Jurisdiction {
  /// The codes of the area as a range of numbers, so a code held in a fact column is tested with two
  /// comparisons, not a division: `code / divisor == value` exactly when `value * divisor <= code <
  /// (value + 1) * divisor`, for codes ≥ 0 (a null reads as -1, in no area).
  var codes: Range<Int64> {
    guard value >= 0 else { return 0..<0 }
    return Int64(value) * Int64(divisor)..<(Int64(value) + 1) * Int64(divisor)
  }
}
