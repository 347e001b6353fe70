import PolicyDSL
import PolicySupport
import PolicyValues

/// Mistakes visible in literal numbers, caught by `check` rather than when a payment is computed:
/// a division by a literal zero, and an amount that is a negative number.
enum ConstantChecks {
  /// The value of a literal number, also under unary minus (`-100`); nil for anything else.
  static func number(_ t: TypedExpr) -> Fixed? {
    switch t.node {
    case .constant(.number(let n)): n
    case .unary(.negate, let inner): number(inner).flatMap { $0.negated() }
    default: nil
    }
  }

  /// Reports `x / 0` (in `division`), pointing at the zero: such a rule could never be paid.
  static func checkDivisor(_ divisor: TypedExpr, in division: Expr, into d: inout DiagnosticBag) {
    guard let n = number(divisor), n == .zero else { return }
    d.add(.error("division-by-zero", "`\(division.text)` divides by zero", zh: "`\(division.text)` 除以零", at: divisor.source.span,
                 help: "divide by a non-zero number or a parameter", helpZh: "请除以非零的数或参数"))
  }

  /// Reports an amount that is a negative literal, directly or as a branch of `if … then … else`:
  /// a subsidy pays money out; a repayment is not a rule's amount.
  static func checkAmount(_ amount: TypedExpr, into d: inout DiagnosticBag) {
    if case .conditional(_, let a, let b) = amount.node {
      checkAmount(a, into: &d)
      checkAmount(b, into: &d)
      return
    }
    guard let n = number(amount), n < .zero else { return }
    d.add(.error("negative-amount", "the amount `\(amount.source.text)` is negative", zh: "金额 `\(amount.source.text)` 是负数", at: amount.source.span,
                 help: "an amount is what is paid out, 0 or more", helpZh: "金额是实际发放的钱，须为 0 或以上"))
  }
}
