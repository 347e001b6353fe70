import PolicySupport
import PolicyValues

/// Parses a condition or amount string into an `Expr`, mapping every offset back to the YAML file.
///
/// Grammar, loosest first: `if c then a else b` · `or` · `and` · `not` · comparison and `in` ·
/// `+ -` · `* /` · unary `-` · postfix `[index]` · primary (literal, path, call, `( )`, `[list]`).
public struct ExprParser {
  private var tokens: [Token] = []
  private var position = 0
  private let scalars: [Unicode.Scalar]
  private let spanOf: (Int, Int) -> SourceSpan

  private init(text: String, spanOf: @escaping (Int, Int) -> SourceSpan) {
    self.scalars = Array(text.unicodeScalars)
    self.spanOf = spanOf
  }

  /// Parses the scalar in `node`. Reports `expression-syntax` and returns nil on failure.
  public static func parse(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Expr? {
    guard let text = node.scalar else {
      diagnostics.add(.error("expected-expression", "expected an expression, found \(node.describe)", at: node.span))
      return nil
    }
    return parse(text, spanOf: { node.span(ofContentOffset: $0, length: $1) }, into: &diagnostics)
  }

  public static func parse(_ text: String, spanOf: @escaping (Int, Int) -> SourceSpan, into diagnostics: inout DiagnosticBag) -> Expr? {
    var parser = ExprParser(text: text, spanOf: spanOf)
    do throws(Lexer.Failure) {
      var lexer = Lexer(text)
      parser.tokens = try lexer.tokens()
    } catch {
      diagnostics.add(.error("expression-syntax", error.message, at: spanOf(error.offset, error.length), help: error.help))
      return nil
    }
    do throws(Failure) {
      if parser.tokens.first?.kind == .end {
        throw Failure(message: "empty expression", offset: 0, length: 1, help: nil)
      }
      let expr = try parser.conditional()
      guard parser.peek.kind == .end else {
        throw Failure(message: "unexpected \(parser.describe(parser.peek)) after a complete expression", offset: parser.peek.offset,
                      length: parser.peek.length, help: "join conditions with `and` or `or`")
      }
      return expr
    } catch {
      diagnostics.add(.error("expression-syntax", error.message, at: spanOf(error.offset, error.length), help: error.help))
      return nil
    }
  }

  struct Failure: Error {
    var message: String
    var offset: Int
    var length: Int
    var help: String?
  }

  // MARK: - Token helpers

  private var peek: Token { tokens[min(position, tokens.count - 1)] }

  private mutating func advance() -> Token {
    let token = peek
    if position < tokens.count - 1 { position += 1 }
    return token
  }

  private func isSymbol(_ s: String) -> Bool { peek.kind == .symbol(s) }
  private func isWord(_ w: String) -> Bool { peek.kind == .identifier(w) }

  private mutating func expect(_ symbol: String, _ context: String) throws(Failure) -> Token {
    guard isSymbol(symbol) else {
      throw Failure(message: "expected `\(symbol)` \(context), found \(describe(peek))", offset: peek.offset, length: peek.length, help: nil)
    }
    return advance()
  }

  private mutating func expectWord(_ word: String, _ context: String) throws(Failure) {
    guard isWord(word) else {
      throw Failure(message: "expected `\(word)` \(context), found \(describe(peek))", offset: peek.offset, length: peek.length, help: nil)
    }
    _ = advance()
  }

  private func describe(_ token: Token) -> String {
    switch token.kind {
    case .end: "the end of the expression"
    case .identifier(let s), .symbol(let s): "`\(s)`"
    case .number(let n): "`\(n)`"
    case .date(let d): "`\(d)`"
    case .string(let s): "\"\(s)\""
    }
  }

  private func make(_ kind: ExprKind, from start: Int, to end: Int) -> Expr {
    let lo = max(0, min(start, scalars.count)), hi = max(lo, min(end, scalars.count))
    let text = String(String.UnicodeScalarView(scalars[lo..<hi]))
    return Expr(kind, span: spanOf(lo, max(1, hi - lo)), text: text, offset: lo)
  }

  private var previousEnd: Int {
    let previous = tokens[max(0, position - 1)]
    return previous.offset + previous.length
  }

  // MARK: - Grammar

  private mutating func conditional() throws(Failure) -> Expr {
    guard isWord("if") else { return try or() }
    let begin = advance().offset
    let condition = try conditional()
    try expectWord("then", "after the condition of `if`")
    let then = try conditional()
    try expectWord("else", "in `if … then … else …`")
    let otherwise = try conditional()
    return make(.conditional(condition, then, otherwise), from: begin, to: previousEnd)
  }

  private mutating func or() throws(Failure) -> Expr {
    var left = try and()
    while isWord("or") || isSymbol("||") {
      _ = advance()
      let right = try and()
      left = make(.binary(.or, left, right), from: offsetOf(left), to: previousEnd)
    }
    return left
  }

  private mutating func and() throws(Failure) -> Expr {
    var left = try not()
    while isWord("and") || isSymbol("&&") {
      _ = advance()
      let right = try not()
      left = make(.binary(.and, left, right), from: offsetOf(left), to: previousEnd)
    }
    return left
  }

  private mutating func not() throws(Failure) -> Expr {
    guard isWord("not") || isSymbol("!") else { return try comparison() }
    let begin = advance().offset
    let operand = try not()
    return make(.unary(.not, operand), from: begin, to: previousEnd)
  }

  private static let comparisons: [String: BinaryOperator] = [
    "==": .equal, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual,
  ]

  private mutating func comparison() throws(Failure) -> Expr {
    let left = try additive()
    if case .symbol(let s) = peek.kind, let op = Self.comparisons[s] {
      _ = advance()
      let right = try additive()
      return make(.binary(op, left, right), from: offsetOf(left), to: previousEnd)
    }
    if isWord("in") {
      _ = advance()
      let right = try additive()
      return make(.binary(.in, left, right), from: offsetOf(left), to: previousEnd)
    }
    if isWord("not"), position + 1 < tokens.count, tokens[position + 1].kind == .identifier("in") {
      _ = advance(); _ = advance()
      let right = try additive()
      let inner = make(.binary(.in, left, right), from: offsetOf(left), to: previousEnd)
      return make(.unary(.not, inner), from: offsetOf(left), to: previousEnd)
    }
    return left
  }

  private mutating func additive() throws(Failure) -> Expr {
    var left = try multiplicative()
    while isSymbol("+") || isSymbol("-") {
      let op: BinaryOperator = isSymbol("+") ? .plus : .minus
      _ = advance()
      let right = try multiplicative()
      left = make(.binary(op, left, right), from: offsetOf(left), to: previousEnd)
    }
    return left
  }

  private mutating func multiplicative() throws(Failure) -> Expr {
    var left = try unary()
    while isSymbol("*") || isSymbol("/") {
      let op: BinaryOperator = isSymbol("*") ? .times : .divide
      _ = advance()
      let right = try unary()
      left = make(.binary(op, left, right), from: offsetOf(left), to: previousEnd)
    }
    return left
  }

  private mutating func unary() throws(Failure) -> Expr {
    guard isSymbol("-") else { return try postfix() }
    let begin = advance().offset
    let operand = try unary()
    return make(.unary(.negate, operand), from: begin, to: previousEnd)
  }

  private mutating func postfix() throws(Failure) -> Expr {
    var base = try primary()
    while isSymbol("[") {
      _ = advance()
      let index = try conditional()
      _ = try expect("]", "to close the table lookup")
      base = make(.index(base, index), from: offsetOf(base), to: previousEnd)
    }
    return base
  }

  private func offsetOf(_ expr: Expr) -> Int { expr.offset }

  private static let units: [String: DurationUnit] = [
    "day": .days, "days": .days, "month": .months, "months": .months, "year": .years, "years": .years,
  ]

  private mutating func primary() throws(Failure) -> Expr {
    let token = advance()
    let begin = token.offset
    switch token.kind {
    case .number(let value):
      if case .identifier(let word) = peek.kind, let unit = Self.units[word] {
        _ = advance()
        guard let count = value.integerValue, let n = Int(exactly: count) else {
          throw Failure(message: "a duration needs a whole number", offset: begin, length: previousEnd - begin, help: nil)
        }
        return make(.duration(n, unit), from: begin, to: previousEnd)
      }
      return make(.number(value), from: begin, to: previousEnd)
    case .date(let date):
      return make(.date(date), from: begin, to: previousEnd)
    case .string(let text):
      return make(.string(text), from: begin, to: previousEnd)
    case .symbol("("):
      let inner = try conditional()
      _ = try expect(")", "to close `(`")
      return make(inner.kind, from: begin, to: previousEnd)
    case .symbol("["):
      var items: [Expr] = []
      if !isSymbol("]") {
        repeat {
          if isSymbol(",") { _ = advance() }
          items.append(try conditional())
        } while isSymbol(",")
      }
      _ = try expect("]", "to close the list")
      return make(.list(items), from: begin, to: previousEnd)
    case .identifier(let word):
      switch word {
      case "true", "false": return make(.bool(word == "true"), from: begin, to: previousEnd)
      case "null": return make(.null, from: begin, to: previousEnd)
      case "and", "or", "then", "else", "in":
        throw Failure(message: "expected a value, found `\(word)`", offset: begin, length: token.length, help: nil)
      default: break
      }
      var parts = [word]
      while isSymbol(".") {
        _ = advance()
        guard case .identifier(let next) = peek.kind else {
          throw Failure(message: "expected a field name after `.`, found \(describe(peek))", offset: peek.offset, length: peek.length, help: nil)
        }
        _ = advance()
        parts.append(next)
      }
      if isSymbol("(") {
        _ = advance()
        var arguments: [Expr] = []
        if !isSymbol(")") {
          repeat {
            if isSymbol(",") { _ = advance() }
            arguments.append(try conditional())
          } while isSymbol(",")
        }
        _ = try expect(")", "to close the arguments of `\(parts.joined(separator: "."))`")
        return make(.call(parts.joined(separator: "."), arguments), from: begin, to: previousEnd)
      }
      return make(.path(parts), from: begin, to: previousEnd)
    case .end:
      throw Failure(message: "expression ends too early", offset: token.offset, length: 1, help: nil)
    case .symbol(let s):
      throw Failure(message: "expected a value, found `\(s)`", offset: begin, length: token.length, help: nil)
    }
  }
}
