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
    if let codes = anchorCodes, codes.count >= count {
      let area = policy.jurisdiction.codes, excluded = policy.supersededBy.map(\.area.codes)
      // Without a branch per record (whether a code is in the area is as good as random): each record
      // is written at the end, and the end moves on only when the record is in.
      return [Int32](unsafeUninitializedCapacity: count) { out, n in
        codes.withUnsafeBufferPointer { codes in
          // In the area: `lower <= code < upper`, by the signs of two differences (the compiler makes a
          // branch of any comparison here, and a branch mispredicted half the time cost more than the rest).
          // Codes and bounds are below 10^7, so the differences do not overflow.
          let lower = area.lowerBound, upper = area.upperBound
          var j = 0
          for record in 0..<count {
            let code = codes[record]
            out[j] = Int32(truncatingIfNeeded: record)
            j &+= Int(((code &- upper) >> 63) & ~((code &- lower) >> 63) & 1)
          }
          if !excluded.isEmpty {
            var k = 0
            for i in 0..<j {
              let code = codes[Int(out[i])]
              if !excluded.contains(where: { $0.contains(code) }) {
                out[k] = out[i]
                k += 1
              }
            }
            j = k
          }
          n = j
        }
      }
    }
    var out: [Int32] = []
    out.reserveCapacity(count)
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
    var values = [Int64](unsafeUninitializedCapacity: count) { v, n in
      for i in 0..<count { v[i] = Int64(i) }
      n = count
    }
    for step in steps {
      guard facts.tables[step.entity].columns[step.slot].isEncoded else { return nil }
      facts.tables[step.entity].columns[step.slot].values.withUnsafeBufferPointer { cells in
        facts.tables[step.entity].columns[step.slot].states.withUnsafeBufferPointer { states in
          values.withUnsafeMutableBufferPointer { values in
            for i in 0..<values.count where values[i] >= 0 {
              let record = Int(values[i])
              values[i] = record < cells.count && states[record] == FactColumn.known ? cells[record] : -1
            }
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
