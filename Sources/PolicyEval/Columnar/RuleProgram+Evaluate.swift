import PolicyCheck
import PolicyDSL
import PolicyValues

/// A column of values of one node for every subject, with each value's state.
///
/// Only a known cell's value means anything: a null or undetermined cell's value is never read
/// (every operation tests the state first), so operations leave it as it is.
struct Vec {
  var values: [Int64]
  var states: [UInt8]
  init(count: Int, value: Int64 = 0, state: UInt8 = FactBatch.known) {
    values = [Int64](repeating: value, count: count)
    states = [UInt8](repeating: state, count: count)
  }
  /// A column whose every cell the caller writes before it is read (no fill first). A column may hold
  /// more cells than a run's subjects (one reused from a longer run, `FactBatch.vec`): only the first
  /// `VectorRun.count` are read.
  init(uninitialized count: Int) {
    values = [Int64](unsafeUninitializedCapacity: count) { _, n in n = count }
    states = [UInt8](unsafeUninitializedCapacity: count) { _, n in n = count }
  }

  /// The cells in place, with no bounds check and no copy-on-write test per cell.
  @inline(__always)
  mutating func withCells<R>(_ body: (UnsafeMutablePointer<Int64>, UnsafeMutablePointer<UInt8>) -> R) -> R {
    values.withUnsafeMutableBufferPointer { v in
      states.withUnsafeMutableBufferPointer { s in body(v.baseAddress!, s.baseAddress!) }
    }
  }

  @inline(__always)
  func readCells<R>(_ body: (UnsafePointer<Int64>, UnsafePointer<UInt8>) -> R) -> R {
    values.withUnsafeBufferPointer { v in
      states.withUnsafeBufferPointer { s in body(v.baseAddress!, s.baseAddress!) }
    }
  }
}

extension RuleProgram {
  /// Of the `candidates` (record indices of the subject kind: those in the policy's area), the ones no
  /// condition refuses (false or unknown), each with whether every condition was true (`certain`: none
  /// undetermined); nil when a column it reads has no encoding (then the row path decides alone). Each
  /// condition runs only over the subjects the ones before it kept, as a chain of filters narrows a
  /// selection vector (compacted in place: a condition allocates only its own columns).
  ///
  /// `amounts`: the rule's amount for each subject kept (see `amount`), nil when it has no column form.
  func survivors(_ batch: FactBatch, candidates: [Int32], parameters: [CheckedParameter], asOf: CivilDate)
    -> (rows: [Int32], certain: [Bool], amounts: Vec?)? {
    guard !candidates.isEmpty else { return ([], [], nil) }
    var run = VectorRun(batch: batch, rows: candidates, parameters: parameters,
                        dates: [CivilDate?](repeating: asOf, count: candidates.count))
    guard let dates = eventDates(&run, asOf: asOf) else { return nil }
    run.dates = dates
    var certain = [Bool](repeating: true, count: candidates.count)
    for condition in conditions {
      guard !run.rows.isEmpty else { break }
      guard let v = run.eval(condition) else { return nil }
      let n = run.count
      let kept = v.readCells { values, states in
        run.rows.withUnsafeMutableBufferPointer { rows in
          run.dates.withUnsafeMutableBufferPointer { dates in
            certain.withUnsafeMutableBufferPointer { sure in
              var j = 0
              for i in 0..<n where !(states[i] == FactBatch.null || (states[i] == FactBatch.known && values[i] == 0)) {
                rows[j] = rows[i]
                dates[j] = dates[i]
                sure[j] = sure[i] && states[i] == FactBatch.known
                j += 1
              }
              return j
            }
          }
        }
      }
      batch.recycle(v)
      if kept < n {
        run.rows.removeLast(n - kept)
        run.dates.removeLast(n - kept)
        certain.removeLast(n - kept)
      }
    }
    let amounts = amount.flatMap { run.rows.isEmpty ? nil : run.eval($0) }
    return (run.rows, certain, amounts)
  }

  /// The date each subject's parameters are valued at, as the row path sets it (see `Program.evaluate`).
  private func eventDates(_ run: inout VectorRun, asOf: CivilDate) -> [CivilDate?]? {
    let n = run.count
    switch eventDate {
    case .asOf:
      return run.dates
    case .stable(let slot, let amount, let unit):
      guard let start = run.eval(.field([FieldStep(entity: subject, slot: slot)])) else { return nil }
      return start.readCells { values, states in
        (0..<n).map { i -> CivilDate? in
          guard states[i] == FactBatch.known else { return asOf }
          return VectorRun.shift(FactBatch.date(values[i]), amount, unit) ?? asOf
        }
      }
    case .on(let e):
      guard let v = run.eval(e) else { return nil }
      return v.readCells { values, states in (0..<n).map { i -> CivilDate? in states[i] == FactBatch.known ? FactBatch.date(values[i]) : asOf } }
    case .dated(let e):
      guard let v = run.eval(e) else { return nil }
      return v.readCells { values, states in (0..<n).map { i -> CivilDate? in states[i] == FactBatch.known ? FactBatch.date(values[i]) : nil } }
    }
  }
}

/// One evaluation of column programs over the subjects of a batch.
///
/// Every `eval` returns a column of its own (no other holds its arrays), so an operation writes its
/// result over its first operand's cells instead of allocating another column.
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
    case .months: addingMonths(d, n)
    case .years: n.multipliedReportingOverflow(by: 12).overflow ? nil : addingMonths(d, n * 12)
    }
  }

  /// `CivilDate.addingMonths` on the packed form, for a whole column of start dates (the vesting date
  /// of every subject of a rule that vests after N months): the same date, clamped to the end of a
  /// shorter month, nil out of range, with no check of a date known to be valid.
  @inline(__always)
  static func addingMonths(_ d: CivilDate, _ n: Int) -> CivilDate? {
    let packed = Int(d.packedValue)
    let (total, overflow) = n.addingReportingOverflow((packed >> 9) * 12 + ((packed >> 5) & 0xF) - 1)
    guard !overflow, total >= 12 else { return nil }
    let year = total / 12, month = total - year * 12 + 1
    guard year <= 9999 else { return nil }
    let last = month == 2 ? (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28) : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31
    return CivilDate(packed: UInt32(year << 9 | month << 5 | min(packed & 0x1F, last)))
  }

  func eval(_ e: VExpr) -> Vec? {
    switch e {
    case .constant(let v, let s):
      var out = batch.vec(count)
      let n = count
      out.withCells { values, states in
        for i in 0..<n { (values[i], states[i]) = (v, s) }
      }
      return out
    case .field(let steps): return field(steps)
    case .parameter(let p): return parameter(p)
    case .table(let p, let key): return eval(key).flatMap { table(p, $0) }
    case .compare(let op, let a, .constant(let c, Self.known)):
      // The common form (`months >= 3`, `scope == "省外"`): one column against one value.
      guard var l = eval(a) else { return nil }
      compare(op, &l, constant: c)
      return l
    case .compare(let op, let a, let b):
      guard var l = eval(a), let r = eval(b) else { return nil }
      compare(op, &l, r)
      batch.recycle(r)
      return l
    case .inSet(let a, let set):
      guard var v = eval(a) else { return nil }
      if set.count == 1, let only = set.first {
        compare(.equal, &v, constant: only)
      } else if set.allSatisfy({ $0 >= 0 && $0 < 64 }) {
        // Enum cases and small numbers: one bit each, no hashing per cell.
        let bits = set.reduce(UInt64(0)) { $0 | 1 << UInt64($1) }
        map(&v) { $0 >= 0 && $0 < 64 ? Int64((bits >> UInt64($0)) & 1) : 0 }
      } else {
        map(&v) { set.contains($0) ? 1 : 0 }
      }
      return v
    case .hasBit(let list, let bit):
      guard var v = eval(list) else { return nil }
      map(&v) { ($0 >> Int64(bit)) & 1 }
      return v
    case .not(let a):
      guard var v = eval(a) else { return nil }
      map(&v) { 1 - $0 }
      return v
    case .and(let a, let b), .or(let a, let b):
      guard var l = eval(a), let r = eval(b) else { return nil }
      var isAnd = false
      if case .and = e { isAnd = true }
      connective(&l, r, isAnd: isAnd)
      batch.recycle(r)
      return l
    case .arithmetic(let op, let a, let b):
      guard var l = eval(a), let r = eval(b) else { return nil }
      arithmetic(op, &l, r)
      batch.recycle(r)
      return l
    case .negate(let a):
      guard var v = eval(a) else { return nil }
      let n = count
      v.withCells { values, states in
        for i in 0..<n {
          if states[i] != Self.known { states[i] = Self.null; continue }
          if let neg = Fixed(raw: values[i]).negated() { values[i] = neg.raw } else { states[i] = Self.undetermined }
        }
      }
      return v
    case .shiftDate(let a, let n, let unit):
      guard var v = eval(a) else { return nil }
      let count = count
      v.withCells { values, states in
        for i in 0..<count where states[i] == Self.known {
          if let moved = Self.shift(FactBatch.date(values[i]), n, unit) { values[i] = FactBatch.encode(moved) } else { states[i] = Self.undetermined }
        }
      }
      return v
    default:
      return evalCall(e)
    }
  }

  private func evalCall(_ e: VExpr) -> Vec? {
    let n = count
    switch e {
    case .minMax(let isMin, let args):
      let columns = args.compactMap(eval)
      guard columns.count == args.count else { return nil }
      var out = Vec(count: n)
      for i in 0..<n {
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
      v.withCells { values, states in
        for i in 0..<n {
          if states[i] == Self.known, let y = Fixed(integer: Int64(FactBatch.date(values[i]).year)) { values[i] = y.raw } else { states[i] = Self.null }
        }
      }
      return v
    case .scope(let a, let b):
      guard let home = eval(a), let destination = eval(b) else { return nil }
      var out = Vec(uninitialized: n)
      out.withCells { values, states in
        home.readCells { hv, hs in
          destination.readCells { dv, ds in
            for i in 0..<n {
              guard hs[i] == Self.known, ds[i] == Self.known else {
                states[i] = Self.null
                continue
              }
              let (h, d) = (hv[i], dv[i])
              values[i] = h == d ? 0 : h / 100 == d / 100 ? 1 : h / 10_000 == d / 10_000 ? 2 : 3
              states[i] = Self.known
            }
          }
        }
      }
      batch.recycle(home)
      batch.recycle(destination)
      return out
    case .within(let a, let divisor, let prefix):
      guard var v = eval(a) else { return nil }
      map(&v) { $0 / divisor == prefix ? 1 : 0 }
      return v
    case .isNull(let a), .present(let a):
      guard var v = eval(a) else { return nil }
      var isNull = false
      if case .isNull = e { isNull = true }
      v.withCells { values, states in
        for i in 0..<n {
          values[i] = (states[i] == Self.null) == isNull ? 1 : 0
          states[i] = Self.known
        }
      }
      return v
    case .makeDate(let f, let args):
      let columns = args.compactMap(eval)
      guard columns.count == args.count else { return nil }
      var out = Vec(count: n)
      for i in 0..<n {
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
      guard var vc = eval(c), let va = eval(a), let vb = eval(b) else { return nil }
      vc.withCells { values, states in
        va.readCells { av, as_ in
          vb.readCells { bv, bs in
            for i in 0..<n where states[i] == Self.known {
              if values[i] != 0 {
                (values[i], states[i]) = (av[i], as_[i])
              } else {
                (values[i], states[i]) = (bv[i], bs[i])
              }
            }
          }
        }
      }
      batch.recycle(va)
      batch.recycle(vb)
      return vc
    default:
      return nil
    }
  }

  /// Follows a field path from each subject: a null reference gives null.
  private func field(_ steps: [FieldStep]) -> Vec? {
    let n = count
    var out = batch.vec(n)
    var first = true
    for step in steps {
      guard let column = batch.column(kind: step.entity, slot: step.slot) else { return nil }
      let isFirst = first
      first = false
      out.withCells { values, states in
        column.values.withUnsafeBufferPointer { cells in
          column.states.withUnsafeBufferPointer { cellStates in
            if isFirst {
              rows.withUnsafeBufferPointer { rows in
                for i in 0..<n {
                  let record = Int(rows[i])
                  guard record >= 0, record < cells.count else {
                    states[i] = Self.null
                    continue
                  }
                  values[i] = cells[record]
                  states[i] = cellStates[record]
                }
              }
              return
            }
            for i in 0..<n where states[i] == Self.known {
              let record = Int(values[i])
              guard record >= 0, record < cells.count else {
                states[i] = Self.null
                continue
              }
              values[i] = cells[record]
              states[i] = cellStates[record]
            }
          }
        }
      }
    }
    if first {
      // No step: the subjects themselves.
      out.withCells { values, states in
        for i in 0..<n {
          values[i] = Int64(rows[i])
          states[i] = Self.known
        }
      }
    }
    return out
  }

  private func parameter(_ p: Int) -> Vec? {
    var out = batch.vec(count)
    var lastDate: CivilDate?, last: (Int64, UInt8) = (0, Self.undetermined)
    var unencodable = false
    parameters.withUnsafeBufferPointer { parameters in
      let parameter = parameters[p]
      out.withCells { values, states in
        dates.withUnsafeBufferPointer { dates in
          for i in 0..<dates.count {
            guard let date = dates[i] else {
              states[i] = Self.undetermined
              continue
            }
            if date != lastDate {
              lastDate = date
              if case .scalar(let v)? = parameter.version(on: date) {
                guard let encoded = FactBatch.encode(v) else {
                  unencodable = true
                  return
                }
                last = encoded
              } else {
                last = (0, Self.undetermined)
              }
            }
            (values[i], states[i]) = last
          }
        }
      }
    }
    return unencodable ? nil : out
  }

  private func table(_ p: Int, _ key: Vec) -> Vec? {
    var out = Vec(count: count)
    for i in 0..<count {
      // The row path's order: an undetermined key, then an unknown date, then a null key.
      if key.states[i] == Self.undetermined { out.states[i] = Self.undetermined; continue }
      guard let date = dates[i] else { out.states[i] = Self.undetermined; continue }
      if key.states[i] == Self.null { out.states[i] = Self.null; continue }
      switch parameters.withUnsafeBufferPointer({ $0[p].version(on: date) }) {
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
  @inline(__always)
  private func map(_ v: inout Vec, _ f: (Int64) -> Int64) {
    let n = count
    v.withCells { values, states in
      for i in 0..<n where states[i] == Self.known { values[i] = f(values[i]) }
    }
  }

  /// `a` becomes `f(a, b)` where both are known; else undetermined if either is, else null.
  @inline(__always)
  private func combine(_ a: inout Vec, _ b: Vec, _ f: (Int64, Int64) -> Int64) {
    let n = count
    a.withCells { av, sa in
      b.readCells { bv, sb in
        for i in 0..<n {
          if sa[i] == Self.known, sb[i] == Self.known {
            av[i] = f(av[i], bv[i])
          } else {
            sa[i] = sa[i] == Self.undetermined || sb[i] == Self.undetermined ? Self.undetermined : Self.null
          }
        }
      }
    }
  }

  private func compare(_ op: BinaryOperator, _ a: inout Vec, _ b: Vec) {
    switch op {
    case .equal: combine(&a, b) { $0 == $1 ? 1 : 0 }
    case .notEqual: combine(&a, b) { $0 != $1 ? 1 : 0 }
    case .less: combine(&a, b) { $0 < $1 ? 1 : 0 }
    case .lessOrEqual: combine(&a, b) { $0 <= $1 ? 1 : 0 }
    case .greater: combine(&a, b) { $0 > $1 ? 1 : 0 }
    case .greaterOrEqual: combine(&a, b) { $0 >= $1 ? 1 : 0 }
    default: combine(&a, b) { _, _ in 0 }
    }
  }

  /// `a` against a known constant: a null or undetermined cell stays as it is (what `combine` gives).
  private func compare(_ op: BinaryOperator, _ a: inout Vec, constant c: Int64) {
    switch op {
    case .equal: map(&a) { $0 == c ? 1 : 0 }
    case .notEqual: map(&a) { $0 != c ? 1 : 0 }
    case .less: map(&a) { $0 < c ? 1 : 0 }
    case .lessOrEqual: map(&a) { $0 <= c ? 1 : 0 }
    case .greater: map(&a) { $0 > c ? 1 : 0 }
    case .greaterOrEqual: map(&a) { $0 >= c ? 1 : 0 }
    default: map(&a) { _ in 0 }
    }
  }

  /// Three-valued `and`/`or` into `a`: a deciding side decides; else undetermined, else null, else the other value.
  private func connective(_ a: inout Vec, _ b: Vec, isAnd: Bool) {
    let deciding: Int64 = isAnd ? 0 : 1
    let n = count
    a.withCells { av, sa in
      b.readCells { bv, sb in
        for i in 0..<n {
          let (x, y) = (sa[i], sb[i])
          if (x == Self.known && av[i] == deciding) || (y == Self.known && bv[i] == deciding) {
            av[i] = deciding
            sa[i] = Self.known
          } else if x == Self.undetermined || y == Self.undetermined {
            sa[i] = Self.undetermined
          } else if x == Self.null || y == Self.null {
            sa[i] = Self.null
          } else {
            av[i] = 1 - deciding
          }
        }
      }
    }
  }

  private func arithmetic(_ op: BinaryOperator, _ a: inout Vec, _ b: Vec) {
    let n = count
    a.withCells { av, sa in
      b.readCells { bv, sb in
        for i in 0..<n {
          guard sa[i] == Self.known, sb[i] == Self.known else {
            sa[i] = sa[i] == Self.undetermined || sb[i] == Self.undetermined ? Self.undetermined : Self.null
            continue
          }
          let (x, y) = (Fixed(raw: av[i]), Fixed(raw: bv[i]))
          let result: Fixed?
          switch op {
          case .plus: result = x.adding(y)
          case .minus: result = x.subtracting(y)
          case .times: result = x.multiplied(by: y)
          default: result = y == .zero ? nil : x.divided(by: y)
          }
          if let result { av[i] = result.raw } else { sa[i] = Self.undetermined }
        }
      }
    }
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
