import PolicyDSL
import PolicyValues
import PolicySupport

/// A check across two fields of one record, declared in the fact schema as data:
///
/// ```yaml
/// checks:
///   - {rule: "end >= start", message: {zh: 结束日期早于开始日期, en: the placement ends before it starts}}
/// ```
///
/// The rule is `FIELD OP FIELD` with `OP` one of `>=`, `>`, `<=`, `<`, `==`, `!=`, both fields numbers
/// or both dates. A record where either field is null passes (`end: null` = still employed). Every
/// reader enforces it through `FieldDecoder.check`; the error points at the left field.
public struct RecordCheck: Sendable {
  public enum Comparison: String, Sendable, CaseIterable {
    case atLeast = ">=", greater = ">", atMost = "<=", less = "<", equal = "==", notEqual = "!="

    func holds(_ a: Value, _ b: Value) -> Bool {
      switch self {
      case .atLeast: !FieldDecoder.less(a, b)
      case .greater: FieldDecoder.less(b, a)
      case .atMost: !FieldDecoder.less(b, a)
      case .less: FieldDecoder.less(a, b)
      case .equal: a == b
      case .notEqual: a != b
      }
    }

    /// The comparison of two values held in an order-keeping integer form (a date's packed value, an
    /// amount's fen): the batch checks decoded records on their columns this way.
    @inline(__always)
    public func holds(_ a: Int64, _ b: Int64) -> Bool {
      switch self {
      case .atLeast: a >= b
      case .greater: a > b
      case .atMost: a <= b
      case .less: a < b
      case .equal: a == b
      case .notEqual: a != b
      }
    }
  }

  /// The rule as written (`end >= start`).
  public var text: String
  public var left: Int
  public var comparison: Comparison
  public var right: Int
  public var message: Label?
  public var span: SourceSpan?

  /// Whether the record passes (`value(slot)` reads a field of it).
  public func holds(_ value: (Int) -> Value) -> Bool {
    let a = value(left), b = value(right)
    if a.isNull || b.isNull { return true }
    return comparison.holds(a, b)
  }
}

extension RecordCheck {
  /// Parses `FIELD OP FIELD` against an entity's fields, explaining a bad rule.
  static func parse(_ decl: SchemaFile.CheckDecl, entity: FactSchema.Entity, into d: inout DiagnosticBag) -> RecordCheck? {
    let text = decl.rule.value
    let span = decl.rule.span
    let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    guard parts.count == 3, let comparison = Comparison(rawValue: parts[1]) else {
      d.add(.error("invalid-check", "check `\(text)` of `\(entity.name)` is not `FIELD OP FIELD`",
                   zh: "`\(entity.name)` 的校验 `\(text)` 不是 `FIELD OP FIELD` 的形式", at: span,
                   help: "write e.g. `end >= start`; OP is one of \(Comparison.allCases.map(\.rawValue).joined(separator: " "))",
                   helpZh: "请写成如 `end >= start` 的形式；`OP` 可为 \(Comparison.allCases.map { "`\($0.rawValue)`" }.joined(separator: " "))"))
      return nil
    }
    var slots: [Int] = []
    for name in [parts[0], parts[2]] {
      guard let field = entity.field(name) else {
        d.add(.error("unknown-field", "check `\(text)` names `\(name)`, which `\(entity.name)` does not have",
                     zh: "校验 `\(text)` 提到了 `\(name)`，但 `\(entity.name)` 没有这个字段", at: span,
                     help: EditDistance.didYouMean(name, among: entity.fields.map(\.name)),
                     helpZh: EditDistance.didYouMeanZh(name, among: entity.fields.map(\.name))))
        return nil
      }
      slots.append(field.slot)
    }
    let types = slots.map { entity.fields[$0].type.exprType }
    let ordered = comparison == .equal || comparison == .notEqual
    guard types[0] == types[1], ordered || types[0] == .number || types[0] == .date else {
      d.add(.error("invalid-check", "check `\(text)` compares \(types[0]) with \(types[1]); both must be numbers or both dates",
                   zh: "校验 `\(text)` 拿 `\(types[0])` 与 `\(types[1])` 比较；两边须同为数或同为日期", at: span))
      return nil
    }
    return RecordCheck(text: text, left: slots[0], comparison: comparison, right: slots[1], message: decl.message, span: span)
  }
}

extension FieldDecoder {
  /// The first of the entity's checks a decoded record breaks, with the problem to report at its left field.
  public func check(_ entity: FactSchema.Entity, _ value: (Int) -> Value) -> (check: RecordCheck, problem: Problem)? {
    for check in entity.checks where !check.holds(value) {
      let right = entity.fields[check.right]
      let shown = { (slot: Int, v: Value) in entity.fields[slot].pii ? PIIMask.masked(Self.text(v)) : Self.text(v) }
      var message = "is \(shown(check.left, value(check.left))), but the schema requires `\(check.text)` (`\(right.name)` is \(shown(check.right, value(check.right))))"
      if let why = check.message { message += ": \(why.en)" }
      var zh = "为 \(shown(check.left, value(check.left)))，但须满足 `\(check.text)`（`\(right.name)` 为 \(shown(check.right, value(check.right)))）"
      if let why = check.message { zh += "：\(why.zh)" }
      // The schema's words for the check end each message in its own language (they were the help of
      // both, so the English ended in Chinese).
      return (check, Problem("check-failed", message, zh: zh))
    }
    return nil
  }
}
