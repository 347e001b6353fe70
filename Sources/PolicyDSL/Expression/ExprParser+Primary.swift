import PolicySupport

/// The tightest level of the grammar: literals, durations, paths, calls, `( )` and `[list]`.
/// Kept apart from the operator levels in `ExprParser.swift`; bracketed forms open a nesting
/// level (`enter`/`leave`) because they recurse into the whole grammar.
extension ExprParser {
  /// Words that may follow a number without being a misspelt unit.
  private static let keywords: Set<String> = ["and", "or", "not", "in", "then", "else"]

  private static let units: [String: DurationUnit] = [
    "day": .days, "days": .days, "month": .months, "months": .months, "year": .years, "years": .years,
  ]

  mutating func primary() throws(Failure) -> Expr {
    let token = advance()
    let begin = token.offset
    switch token.kind {
    case .number(let value):
      if case .identifier(let word) = peek.kind, let unit = Self.units[word] {
        _ = advance()
        guard let count = value.integerValue, let n = Int(exactly: count) else {
          throw Failure(message: "a duration needs a whole number", zh: "时长须为整数", offset: begin, length: previousEnd - begin, help: nil)
        }
        return try make(.duration(n, unit), from: begin, to: previousEnd)
      }
      if case .identifier(let word) = peek.kind, !Self.keywords.contains(word),
        let unit = EditDistance.suggestion(for: word, among: Self.units.keys.sorted()) {
        throw Failure(message: "unknown duration unit `\(word)`", zh: "未知的时长单位 `\(word)`", offset: peek.offset, length: peek.length,
                      help: "did you mean `\(unit)`?", helpZh: "是否应为 `\(unit)`？")
      }
      return try make(.number(value), from: begin, to: previousEnd)
    case .date(let date):
      return try make(.date(date), from: begin, to: previousEnd)
    case .string(let text):
      return try make(.string(text), from: begin, to: previousEnd)
    case .symbol("("):
      try enter(token)
      let inner = try conditional()
      _ = try expect(")", "to close `(`")
      leave()
      // The parentheses count as a level: the parser recursed through them.
      return try make(inner.kind, from: begin, to: previousEnd, crossing: token, depth: inner.depth + 1)
    case .symbol("["):
      try enter(token)
      var items: [Expr] = []
      if !isSymbol("]") {
        repeat {
          if isSymbol(",") { _ = advance() }
          items.append(try conditional())
        } while isSymbol(",")
      }
      _ = try expect("]", "to close the list")
      leave()
      return try make(.list(items), from: begin, to: previousEnd, crossing: token)
    case .identifier(let word):
      switch word {
      case "true", "false": return try make(.bool(word == "true"), from: begin, to: previousEnd)
      case "null": return try make(.null, from: begin, to: previousEnd)
      case "and", "or", "then", "else", "in":
        throw Failure(message: "expected a value, found `\(word)`", zh: "这里应为一个值，实际为 `\(word)`", offset: begin, length: token.length, help: nil)
      default: break
      }
      var parts = [word]
      while isSymbol(".") {
        _ = advance()
        guard case .identifier(let next) = peek.kind else {
          throw Failure(message: "expected a field name after `.`, found \(describe(peek))",
                            zh: "`.` 后面应为字段名，实际为 \(describeZh(peek))", offset: peek.offset, length: peek.length, help: nil)
        }
        _ = advance()
        parts.append(next)
      }
      if isSymbol("(") {
        let open = advance()
        try enter(open)
        var arguments: [Expr] = []
        if !isSymbol(")") {
          repeat {
            if isSymbol(",") { _ = advance() }
            arguments.append(try conditional())
          } while isSymbol(",")
        }
        _ = try expect(")", "to close the arguments of `\(parts.joined(separator: "."))`")
        leave()
        return try make(.call(parts.joined(separator: "."), arguments), from: begin, to: previousEnd, crossing: open)
      }
      return try make(.path(parts), from: begin, to: previousEnd)
    case .end:
      throw Failure(message: "expression ends too early", zh: "表达式没写完就结束了", offset: token.offset, length: 1, help: nil)
    case .symbol(let s):
      throw Failure(message: "expected a value, found `\(s)`", zh: "这里应为一个值，实际为 `\(s)`", offset: begin, length: token.length, help: nil)
    }
  }
}
