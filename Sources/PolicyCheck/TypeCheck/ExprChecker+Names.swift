import PolicyDSL
import PolicySupport

extension ExprChecker {
  /// Resolves `name` (a bare word such as `alleviated`, or a string such as `"certificate"`) as a
  /// case of `enumName`. The language writes evidence both ways, so both resolve the same.
  ///
  /// When the word is a case of some other enum, says so: the usual mistake is comparing a field
  /// with a value of the wrong enum, and "did you mean" cannot help with that.
  func enumValue(_ name: String, of enumName: String, _ expr: Expr, into d: inout DiagnosticBag) -> TypedExpr? {
    let cases = schema.enums[enumName]?.cases ?? []
    if let index = cases.firstIndex(of: name) {
      return TypedExpr(.constant(.enumCase(index)), .enumeration(enumName), expr)
    }
    let help = EditDistance.didYouMean(name, among: cases) ?? "one of: \(cases.joined(separator: ", "))"
    let helpZh = EditDistance.didYouMeanZh(name, among: cases) ?? "可选：\(cases.map { "`\($0)`" }.joined(separator: "、"))"
    if let owner = enumsContaining(name).first(where: { $0 != enumName }) {
      d.add(.error("unknown-enum-value", "`\(name)` is a value of `\(owner)`, but a `\(enumName)` value is expected here",
                   zh: "`\(name)` 是 `\(owner)` 的可选值，这里应为 `\(enumName)` 的可选值", at: expr.span, help: help, helpZh: helpZh))
    } else {
      d.add(.error("unknown-enum-value", "`\(name)` is not a value of `\(enumName)`", zh: "`\(name)` 不是 `\(enumName)` 的可选值", at: expr.span,
                   help: help, helpZh: helpZh))
    }
    return nil
  }

  /// The enums that have a case `name`, sorted.
  func enumsContaining(_ name: String) -> [String] {
    schema.enums.values.filter { $0.cases.contains(name) }.map(\.name).sorted()
  }

  /// A bare name or a string literal: its type comes from the other side of a comparison.
  func takesTypeFromContext(_ expr: Expr) -> Bool {
    if case .string = expr.kind { return true }
    guard case .path(let parts) = expr.kind, parts.count == 1 else { return false }
    return bindings.names[parts[0]] == nil && parts[0] != "param"
  }
}

extension ExprChecker {
  /// `param.NAME` names no usable parameter; silent when its declaration was already reported.
  func reportUnknownParameter(_ name: String, at span: SourceSpan, into d: inout DiagnosticBag) {
    guard !rejectedParameters.contains(name) else { return }
    d.add(.error("unknown-parameter", "unknown parameter `\(name)`", zh: "未知的参数 `\(name)`", at: span,
                 help: EditDistance.didYouMean(name, among: parameters.map(\.name)),
                 helpZh: EditDistance.didYouMeanZh(name, among: parameters.map(\.name))))
  }
}
