import PolicyCheck
import PolicyDSL
import PolicyValues

/// A column of values of one node for every subject, with each value's state.
struct Vec {
  var values: [Int64]
  var states: [UInt8]
  init(count: Int, value: Int64 = 0, state: UInt8 = FactBatch.known) {
    values = [Int64](repeating: value, count: count)
    states = [UInt8](repeating: state, count: count)
  }
}

extension RuleProgram {
  /// Of the `candidates` (record indices of the subject kind: those in the policy's area), the ones no
  /// condition refuses (false or unknown), each with whether every condition was true (`certain`: none
  /// undetermined); nil when a column it reads has no encoding (then the row path decides alone). Each
  /// condition runs only over the subjects the ones before it kept, as a chain of filters narrows a
  /// selection vector.
  func survivors(_ batch: FactBatch, candidates: [Int32], parameters: [CheckedParameter], asOf: CivilDate) -> (rows: [Int32], certain: [Bool])? {
    var run = VectorRun(batch: batch, rows: candidates, parameters: parameters,
                        dates: [CivilDate?](repeating: asOf, count: candidates.count))
    guard let dates = eventDates(&run, asOf: asOf) else { return nil }
    run.dates = dates
    var certain = [Bool](repeating: true, count: candidates.count)
    for condition in conditions {
      guard !run.rows.isEmpty else { break }
      guard let v = run.eval(condition) else { return nil }
      var rows: [Int32] = [], kept: [CivilDate?] = [], sure: [Bool] = []
      rows.reserveCapacity(run.rows.count)
      kept.reserveCapacity(run.rows.count)
      sure.reserveCapacity(run.rows.count)
      for i in 0..<run.count where !(v.states[i] == FactBatch.null || (v.states[i] == FactBatch.known && v.values[i] == 0)) {
        rows.append(run.rows[i])
        kept.append(run.dates[i])
        sure.append(certain[i] && v.states[i] == FactBatch.known)
      }
      run.rows = rows
      run.dates = kept
      certain = sure
    }
    return (run.rows, certain)
  }

  /// The date each subject's parameters are valued at, as the row path sets it (see `Program.evaluate`).
  private func eventDates(_ run: inout VectorRun, asOf: CivilDate) -> [CivilDate?]? {
    let n = run.count
    switch eventDate {
    case .asOf:
      return run.dates
    case .stable(let slot, let amount, let unit):
      guard let start = run.eval(.field([FieldStep(entity: subject, slot: slot)])) else { return nil }
      return (0..<n).map { i in
        guard start.states[i] == FactBatch.known, let d = FactBatch.date(start.values[i]) else { return asOf }
        return VectorRun.shift(d, amount, unit) ?? asOf
      }
    case .on(let e):
      guard let v = run.eval(e) else { return nil }
      return (0..<n).map { v.states[$0] == FactBatch.known ? FactBatch.date(v.values[$0]) ?? asOf : asOf }
    case .dated(let e):
      guard let v = run.eval(e) else { return nil }
      return (0..<n).map { v.states[$0] == FactBatch.known ? FactBatch.date(v.values[$0]) : nil }
    }
  }
}

/// One evaluation of column programs over the subjects of a batch.
struct VectorRun {
  let batch: FactBatch
  /// The selection: record indices of the subject kind still being judged.
  var rows: [Int32]
  var count: Int { rows.count }
  let parameters: [CheckedParameter]
  /// The date each subject's parameters are valued at; nil = the event date is not known.
  var dates: [CivilDate?]

  static let known = FactBatch.known, null = FactBatch.null, undetermined = FactBatch.undetermined

  static func shift(_ d: CivilDate, _ n: Int, _ unit: DurationUnit) -> CivilDate? {
    switch unit {
    case .days: d.addingDays(n)
    case .months: d.addingMonths(n)
    case .years: d.addingMonths(n * 12)
    }
  }

  func eval(_ e: VExpr) -> Vec? {
    switch e {
    case .constant(let v, let s): return Vec(count: count, value: v, state: s)
    case .field(let steps): return field(steps)
    case .parameter(let p): return parameter(p)
    case .table(let p, let key): return eval(key).flatMap { table(p, $0) }
    case .compare(let op, let a, let b):
      guard let l = eval(a), let r = eval(b) else { return nil }
      return combine(l, r) { x, y in Self.compare(op, x, y) ? 1 : 0 }
    case .inSet(let a, let set):
      return eval(a).map { v in map(v) { set.contains($0) ? 1 : 0 } }
    case .hasBit(let list, let bit):
      return eval(list).map { v in map(v) { ($0 >> Int64(bit)) & 1 } }
    case .not(let a):
      return eval(a).map { v in map(v) { 1 - $0 } }
    case .and(let a, let b), .or(let a, let b):
      guard let l = eval(a), let r = eval(b) else { return nil }
      var isAnd = false
      if case .and = e { isAnd = true }
      return connective(l, r, isAnd: isAnd)
    case .arithmetic(let op, let a, let b):
      guard let l = eval(a), let r = eval(b) else { return nil }
      return arithmetic(op, l, r)
    case .negate(let a):
      guard var v = eval(a) else { return nil }
      for i in 0..<count {
        if v.states[i] != Self.known { v.states[i] = Self.null; continue }
        if let n = Fixed(raw: v.values[i]).negated() { v.values[i] = n.raw } else { v.states[i] = Self.undetermined }
      }
      return v
    case .shiftDate(let a, let n, let unit):
      guard var v = eval(a) else { return nil }
      for i in 0..<count where v.states[i] == Self.known {
        if let d = FactBatch.date(v.values[i]), let moved = Self.shift(d, n, unit) { v.values[i] = FactBatch.encode(moved) } else { v.states[i] = Self.undetermined }
      }
      return v
    default:
      return evalCall(e)
    }
  }

  private func evalCall(_ e: VExpr) -> Vec? {
    switch e {
    case .minMax(let isMin, let args):
      let columns = args.compactMap(eval)
      guard columns.count == args.count else { return nil }
      var out = Vec(count: count)
      for i in 0..<count {
        // As the row path: the first undetermined or null argument, in order, decides.
        var best: Int64?
        for c in columns {
          if c.states[i] != Self.known {
            out.states[i] = c.states[i]
            best = nil
            break
          }
          if let b = best { best = isMin ? min(b, c.values[i]) : max(b, c.values[i]) } else { best = c.values[i] }
        }
        if let best { out.values[i] = best }
      }
      return out
    case .year(let a):
      guard var v = eval(a) else { return nil }
      for i in 0..<count {
        if v.states[i] == Self.known, let d = FactBatch.date(v.values[i]), let y = Fixed(integer: Int64(d.year)) { v.values[i] = y.raw } else { v.states[i] = Self.null }
      }
      return v
    case .scope(let a, let b):
      guard let home = eval(a), let destination = eval(b) else { return nil }
      var out = Vec(count: count)
      for i in 0..<count {
        guard home.states[i] == Self.known, destination.states[i] == Self.known else {
          out.states[i] = Self.null
          continue
        }
        let (h, d) = (home.values[i], destination.values[i])
        out.values[i] = h == d ? 0 : h / 100 == d / 100 ? 1 : h / 10_000 == d / 10_000 ? 2 : 3
      }
      return out
    case .within(let a, let divisor, let prefix):
      return eval(a).map { v in map(v) { $0 / divisor == prefix ? 1 : 0 } }
    case .isNull(let a), .present(let a):
      guard let v = eval(a) else { return nil }
      var isNull = false
      if case .isNull = e { isNull = true }
      var out = Vec(count: count)
      for i in 0..<count { out.values[i] = (v.states[i] == Self.null) == isNull ? 1 : 0 }
      return out
    case .makeDate(let f, let args):
      let columns = args.compactMap(eval)
      guard columns.count == args.count else { return nil }
      var out = Vec(count: count)
      for i in 0..<count {
        var parts: [Int] = []
        for c in columns {
          if c.states[i] == Self.undetermined { out.states[i] = Self.undetermined; break }
          guard c.states[i] == Self.known, let whole = Fixed(raw: c.values[i]).integerValue else { out.states[i] = Self.null; break }
          parts.append(Int(whole))
        }
        guard out.states[i] == Self.known else { continue }
        let ymd = parts + (f == .startOfYear ? [1, 1] : f == .endOfYear ? [12, 31] : [])
        if ymd.count == 3, let d = CivilDate(year: ymd[0], month: ymd[1], day: ymd[2]) { out.values[i] = FactBatch.encode(d) } else { out.states[i] = Self.undetermined }
      }
      return out
    case .conditional(let c, let a, let b):
      guard let vc = eval(c), let va = eval(a), let vb = eval(b) else { return nil }
      var out = Vec(count: count)
      for i in 0..<count {
        if vc.states[i] != Self.known {
          out.states[i] = vc.states[i]
        } else {
          let pick = vc.values[i] != 0 ? va : vb
          out.values[i] = pick.values[i]
          out.states[i] = pick.states[i]
        }
      }
      return out
    default:
      return nil
    }
  }

  /// Follows a field path from each subject: a null reference gives null.
  private func field(_ steps: [FieldStep]) -> Vec? {
    var out = Vec(count: count)
    for i in 0..<count { out.values[i] = Int64(rows[i]) }
    for step in steps {
      guard let column = batch.column(kind: step.entity, slot: step.slot) else { return nil }
      for i in 0..<count where out.states[i] == Self.known {
        let record = Int(out.values[i])
        guard record >= 0, record < column.values.count else {
          out.states[i] = Self.null
          continue
        }
        out.values[i] = column.values[record]
        out.states[i] = column.states[record]
      }
    }
    return out
  }

  private func parameter(_ p: Int) -> Vec? {
    var out = Vec(count: count)
    var lastDate: CivilDate?, last: (Int64, UInt8) = (0, Self.undetermined)
    for i in 0..<count {
      guard let date = dates[i] else {
        out.states[i] = Self.undetermined
        continue
      }
      if date != lastDate {
        lastDate = date
        if case .scalar(let v)? = parameters[p].version(on: date) {
          guard let encoded = FactBatch.encode(v) else { return nil }
          last = encoded
        } else {
          last = (0, Self.undetermined)
        }
      }
      (out.values[i], out.states[i]) = last
    }
    return out
  }

  private func table(_ p: Int, _ key: Vec) -> Vec? {
    var out = Vec(count: count)
    for i in 0..<count {
      // The row path's order: an undetermined key, then an unknown date, then a null key.
      if key.states[i] == Self.undetermined { out.states[i] = Self.undetermined; continue }
      guard let date = dates[i] else { out.states[i] = Self.undetermined; continue }
      if key.states[i] == Self.null { out.states[i] = Self.null; continue }
      switch parameters[p].version(on: date) {
      case .enumTable(let rows)?:
        let k = Int(key.values[i])
        guard k >= 0, k < rows.count, let value = rows[k] else { out.states[i] = Self.undetermined; continue }
        guard let (v, s) = FactBatch.encode(value) else { return nil }
        (out.values[i], out.states[i]) = (v, s)
      case .stringTable?, .scalar?:
        return nil
      case nil:
        out.states[i] = Self.undetermined
      }
    }
    return out
  }

  /// Applies `f` to known values; null and undetermined pass through.
  private func map(_ v: Vec, _ f: (Int64) -> Int64) -> Vec {
    var out = v
    for i in 0..<count where out.states[i] == Self.known { out.values[i] = f(v.values[i]) }
    return out
  }

  /// Applies `f` where both are known; else undetermined if either is, else null.
  private func combine(_ a: Vec, _ b: Vec, _ f: (Int64, Int64) -> Int64) -> Vec {
    var out = Vec(count: count)
    for i in 0..<count {
      let (sa, sb) = (a.states[i], b.states[i])
      if sa == Self.known, sb == Self.known {
        out.values[i] = f(a.values[i], b.values[i])
      } else {
        out.states[i] = sa == Self.undetermined || sb == Self.undetermined ? Self.undetermined : Self.null
      }
    }
    return out
  }

  /// Three-valued `and`/`or`: a deciding side decides; else undetermined, else null, else the other value.
  private func connective(_ a: Vec, _ b: Vec, isAnd: Bool) -> Vec {
    let deciding: Int64 = isAnd ? 0 : 1
    var out = Vec(count: count, value: 1 - deciding)
    for i in 0..<count {
      let (sa, sb) = (a.states[i], b.states[i])
      if (sa == Self.known && a.values[i] == deciding) || (sb == Self.known && b.values[i] == deciding) {
        out.values[i] = deciding
      } else if sa == Self.undetermined || sb == Self.undetermined {
        out.states[i] = Self.undetermined
      } else if sa == Self.null || sb == Self.null {
        out.states[i] = Self.null
      }
    }
    return out
  }

  private func arithmetic(_ op: BinaryOperator, _ a: Vec, _ b: Vec) -> Vec {
    var out = combine(a, b) { _, _ in 0 }
    for i in 0..<count where out.states[i] == Self.known {
      let (x, y) = (Fixed(raw: a.values[i]), Fixed(raw: b.values[i]))
      let result: Fixed?
      switch op {
      case .plus: result = x.adding(y)
      case .minus: result = x.subtracting(y)
      case .times: result = x.multiplied(by: y)
      default: result = y == .zero ? nil : x.divided(by: y)
      }
      if let result { out.values[i] = result.raw } else { out.states[i] = Self.undetermined }
    }
    return out
  }

  static func compare(_ op: BinaryOperator, _ a: Int64, _ b: Int64) -> Bool {
    switch op {
    case .equal: a == b
    case .notEqual: a != b
    case .less: a < b
    case .lessOrEqual: a <= b
    case .greater: a > b
    case .greaterOrEqual: a >= b
    default: false
    }
  }
}
