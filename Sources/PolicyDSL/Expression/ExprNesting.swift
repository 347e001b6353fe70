/// The deepest expression tree the engine accepts.
///
/// The parser, the type checker, the compiler and the evaluator each recurse once per level of
/// an expression, so a condition like `((((…))))` or a chain of hundreds of `and`s would overflow
/// the stack and kill the process. Real conditions are a handful of levels deep; past this limit
/// the parser reports `expression-syntax` instead, and no later stage ever sees a deeper tree.
public enum ExprNesting {
  public static let maximum = 64
  static let message = "expression is nested too deeply (more than \(maximum) levels)"
  static let help = "split it into several `when` conditions"
  static let messageZh = "表达式嵌套太深（超过 \(maximum) 层）"
  static let helpZh = "请拆成几个 `when` 条件"
}
