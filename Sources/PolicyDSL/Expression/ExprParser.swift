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
  /// Constructs still open around the current token (`(`, `not`, `-`, `if`, lists, calls,
  /// lookups): each will be at least one level above what is parsed now (see `ExprNesting`).
  private var nesting = 0

  private init(text: String, spanOf: @escaping (Int, Int) -> SourceSpan) {
    self.scalars = Array(text.unicodeScalars)
    self.spanOf = spanOf
  }

  /// Parses the scalar in `node`. Reports `expression-syntax` and returns nil on failure.
  public static func parse(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Expr? {
    guard let text = node.scalar else {
      diagnostics.add(.error("expected-expression", "expected an expression, found \(node.describe)",
                                  zh: "这里应为表达式，实际为 \(node.describeZh)", at: node.span))
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
      diagnostics.add(.error(error.code, error.message, zh: error.zh, at: spanOf(error.offset, error.length),
                             help: error.help, helpZh: error.helpZh))
      return nil
    }
    do throws(Failure) {
      if parser.tokens.first?.kind == .end {
        throw Failure(message: "empty expression", zh: "表达式是空的", offset: 0, length: 1, help: nil)
      }
      let expr = try parser.conditional()
      guard parser.peek.kind == .end else {
        throw Failure(message: "unexpected \(parser.describe(parser.peek)) after a complete expression",
                      zh: "完整的表达式后面多出了 \(parser.describeZh(parser.peek))", offset: parser.peek.offset,
                      length: parser.peek.length, help: "join conditions with `and` or `or`", helpZh: "用 `and` 或 `or` 连接条件")
      }
      return expr
    } catch {
      diagnostics.add(.error("expression-syntax", error.message, zh: error.zh, at: spanOf(error.offset, error.length),
                             help: error.help, helpZh: error.helpZh))
      return nil
    }
  }

  struct Failure: Error {
    var message: String
    /// The message in Chinese.
    var zh: String
    var offset: Int
    var length: Int
    var help: String?
    var helpZh: String? = nil
  }

  // MARK: - Token helpers

  var peek: Token { tokens[min(position, tokens.count - 1)] }

  mutating func advance() -> Token {
    let token = peek
    if position < tokens.count - 1 { position += 1 }
    return token
  }

  func isSymbol(_ s: String) -> Bool { peek.kind == .symbol(s) }
  func isWord(_ w: String) -> Bool { peek.kind == .identifier(w) }

  mutating func expect(_ symbol: String, _ context: String) throws(Failure) -> Token {
    guard isSymbol(symbol) else {
      throw Failure(message: "expected `\(symbol)` \(context), found \(describe(peek))",
                    zh: "\(ChinesePhrase.zh(context))应为 `\(symbol)`，实际为 \(describeZh(peek))", offset: peek.offset, length: peek.length, help: nil)
    }
    return advance()
  }

  mutating func expectWord(_ word: String, _ context: String) throws(Failure) {
    guard isWord(word) else {
      throw Failure(message: "expected `\(word)` \(context), found \(describe(peek))",
                    zh: "\(ChinesePhrase.zh(context))应为 `\(word)`，实际为 \(describeZh(peek))", offset: peek.offset, length: peek.length, help: nil)
    }
    _ = advance()
  }

  func describe(_ token: Token) -> String {
    switch token.kind {
    case .end: "the end of the expression"
    case .identifier(let s), .symbol(let s): "`\(s)`"
    case .number(let n): "`\(n)`"
    case .date(let d): "`\(d)`"
    case .string(let s): "\"\(s)\""
    }
  }

  /// The same in Chinese: "表达式结尾", or the token in backticks.
  func describeZh(_ token: Token) -> String {
    if case .end = token.kind { return "表达式结尾" }
    return describe(token)
  }

  /// Builds a node; fails when the tree would pass `ExprNesting.maximum` levels, pointing at
  /// `crossing` (the operator that adds the level) or else at the node's start.
  func make(_ kind: ExprKind, from start: Int, to end: Int, crossing: Token? = nil, depth: Int? = nil) throws(Failure) -> Expr {
    let lo = max(0, min(start, scalars.count)), hi = max(lo, min(end, scalars.count))
    let text = String(String.UnicodeScalarView(scalars[lo..<hi]))
    var expr = Expr(kind, span: spanOf(lo, max(1, hi - lo)), text: text, offset: lo)
    if let depth { expr.depth = depth }
    if nesting + expr.depth > ExprNesting.maximum {
      throw tooDeep(crossing ?? Token(kind: .end, offset: lo, length: 1))
    }
    return expr
  }

  /// Opens a nested construct at `token`, failing before recursing once the limit is reached.
  mutating func enter(_ token: Token) throws(Failure) {
    nesting += 1
    if nesting >= ExprNesting.maximum { throw tooDeep(token) }
  }

  mutating func leave() { nesting -= 1 }

  private func tooDeep(_ token: Token) -> Failure {
    Failure(message: ExprNesting.message, zh: ExprNesting.messageZh, offset: token.offset, length: token.length,
            help: ExprNesting.help, helpZh: ExprNesting.helpZh)
  }

  var previousEnd: Int {
    let previous = tokens[max(0, position - 1)]
    return previous.offset + previous.length
  }

  // MARK: - Grammar

  mutating func conditional() throws(Failure) -> Expr {
    guard isWord("if") else { return try or() }
    let keyword = advance()
    try enter(keyword)
    let condition = try conditional()
    try expectWord("then", "after the condition of `if`")
    let then = try conditional()
    try expectWord("else", "in `if … then … else …`")
    let otherwise = try conditional()
    leave()
    return try make(.conditional(condition, then, otherwise), from: keyword.offset, to: previousEnd, crossing: keyword)
  }

  private mutating func or() throws(Failure) -> Expr {
    var left = try and()
    while isWord("or") || isSymbol("||") {
      let op = advance()
      let right = try and()
      left = try make(.binary(.or, left, right), from: offsetOf(left), to: previousEnd, crossing: op)
    }
    return left
  }

  private mutating func and() throws(Failure) -> Expr {
    var left = try not()
    while isWord("and") || isSymbol("&&") {
      let op = advance()
      let right = try not()
      left = try make(.binary(.and, left, right), from: offsetOf(left), to: previousEnd, crossing: op)
    }
    return left
  }

  private mutating func not() throws(Failure) -> Expr {
    guard isWord("not") || isSymbol("!") else { return try comparison() }
    let op = advance()
    try enter(op)
    let operand = try not()
    leave()
    return try make(.unary(.not, operand), from: op.offset, to: previousEnd, crossing: op)
  }

  private static let comparisons: [String: BinaryOperator] = [
    "==": .equal, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual,
  ]

  private mutating func comparison() throws(Failure) -> Expr {
    let left = try additive()
    if case .symbol(let s) = peek.kind, let op = Self.comparisons[s] {
      let token = advance()
      let right = try additive()
      return try make(.binary(op, left, right), from: offsetOf(left), to: previousEnd, crossing: token)
    }
    if isWord("in") {
      let token = advance()
      let right = try additive()
      return try make(.binary(.in, left, right), from: offsetOf(left), to: previousEnd, crossing: token)
    }
    if isWord("not"), position + 1 < tokens.count, tokens[position + 1].kind == .identifier("in") {
      let token = advance()
      _ = advance()
      let right = try additive()
      let inner = try make(.binary(.in, left, right), from: offsetOf(left), to: previousEnd, crossing: token)
      return try make(.unary(.not, inner), from: offsetOf(left), to: previousEnd, crossing: token)
    }
    return left
  }

  private mutating func additive() throws(Failure) -> Expr {
    var left = try multiplicative()
    while isSymbol("+") || isSymbol("-") {
      let op: BinaryOperator = isSymbol("+") ? .plus : .minus
      let token = advance()
      let right = try multiplicative()
      left = try make(.binary(op, left, right), from: offsetOf(left), to: previousEnd, crossing: token)
    }
    return left
  }

  private mutating func multiplicative() throws(Failure) -> Expr {
    var left = try unary()
    while isSymbol("*") || isSymbol("/") {
      let op: BinaryOperator = isSymbol("*") ? .times : .divide
      let token = advance()
      let right = try unary()
      left = try make(.binary(op, left, right), from: offsetOf(left), to: previousEnd, crossing: token)
    }
    return left
  }

  private mutating func unary() throws(Failure) -> Expr {
    guard isSymbol("-") else { return try postfix() }
    let op = advance()
    try enter(op)
    let operand = try unary()
    leave()
    return try make(.unary(.negate, operand), from: op.offset, to: previousEnd, crossing: op)
  }

  private mutating func postfix() throws(Failure) -> Expr {
    var base = try primary()
    while isSymbol("[") {
      let open = advance()
      try enter(open)
      let index = try conditional()
      _ = try expect("]", "to close the table lookup")
      leave()
      base = try make(.index(base, index), from: offsetOf(base), to: previousEnd, crossing: open)
    }
    return base
  }

  func offsetOf(_ expr: Expr) -> Int { expr.offset }
}
