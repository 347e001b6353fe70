import PolicySupport
import PolicyValues

/// One token of an expression; offsets count Unicode scalars from the start of the string.
struct Token: Equatable {
  enum Kind: Equatable {
    case identifier(String)
    case number(Fixed)
    case date(CivilDate)
    case string(String)
    case symbol(String)
    case end
  }
  var kind: Kind
  var offset: Int
  var length: Int
}

/// Splits an expression string into tokens. Errors carry the offset of the bad character.
struct Lexer {
  struct Failure: Error {
    var message: String
    /// The message in Chinese.
    var zh: String
    var offset: Int
    var length: Int
    var help: String?
    var helpZh: String? = nil
    /// `invalid-date` for a date-shaped word that is no date, so it reads like a bad date elsewhere.
    var code: DiagnosticCode = "expression-syntax"
  }

  private let scalars: [Unicode.Scalar]
  private var i = 0

  init(_ text: String) { scalars = Array(text.unicodeScalars) }

  mutating func tokens() throws(Failure) -> [Token] {
    var out: [Token] = []
    while true {
      let token = try next()
      out.append(token)
      if token.kind == .end { return out }
    }
  }

  private func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
  private func isIdent(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || ("0"..."9").contains(c) }
  private func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

  private mutating func next() throws(Failure) -> Token {
    while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
    guard i < scalars.count else { return Token(kind: .end, offset: scalars.count, length: 1) }
    let start = i
    let c = scalars[i]
    if isIdentStart(c) {
      while i < scalars.count, isIdent(scalars[i]) { i += 1 }
      return Token(kind: .identifier(String(String.UnicodeScalarView(scalars[start..<i]))), offset: start, length: i - start)
    }
    if isDigit(c) { return try number(from: start) }
    if c == "\"" || c == "'" { return try string(quote: c, from: start) }
    let two = i + 1 < scalars.count ? String(String.UnicodeScalarView([c, scalars[i + 1]])) : ""
    for symbol in ["==", "!=", "<=", ">=", "&&", "||"] where two == symbol {
      i += 2
      return Token(kind: .symbol(symbol), offset: start, length: 2)
    }
    if "()[],.+-*/<>!".unicodeScalars.contains(c) {
      i += 1
      return Token(kind: .symbol(String(c)), offset: start, length: 1)
    }
    if c == "=" {
      throw Failure(message: "unexpected `=`", zh: "这里不能用 `=`", offset: start, length: 1, help: "compare with `==`", helpZh: "比较相等请用 `==`")
    }
    if c == "（" || c == "）" || c == "，" {
      throw Failure(message: "full-width `\(c)` in an expression", zh: "表达式中有全角字符 `\(c)`", offset: start, length: 1,
                    help: "use the ASCII character instead", helpZh: "请改用半角（ASCII）字符")
    }
    throw Failure(message: "unexpected character `\(c)`", zh: "表达式中不能有字符 `\(c)`", offset: start, length: 1)
  }

  /// A number (`400`, `1.7`) or a date (`2025-12-31`): digits followed by `-dd-dd` make a date.
  private mutating func number(from start: Int) throws(Failure) -> Token {
    while i < scalars.count, isDigit(scalars[i]) { i += 1 }
    if i - start == 4, i < scalars.count, scalars[i] == "-", i + 1 < scalars.count, isDigit(scalars[i + 1]) {
      while i < scalars.count, isDigit(scalars[i]) || scalars[i] == "-" { i += 1 }
      let text = String(String.UnicodeScalarView(scalars[start..<i]))
      guard let date = CivilDate.parse(text) else {
        throw Failure(message: "`\(text)` is not a date", zh: "`\(text)` 不是日期", offset: start, length: i - start,
                      help: DateText.explain(text), helpZh: DateText.explainZh(text), code: "invalid-date")
      }
      return Token(kind: .date(date), offset: start, length: i - start)
    }
    if i < scalars.count, scalars[i] == ".", i + 1 < scalars.count, isDigit(scalars[i + 1]) {
      i += 1
      while i < scalars.count, isDigit(scalars[i]) { i += 1 }
    }
    let text = String(String.UnicodeScalarView(scalars[start..<i]))
    guard let value = Fixed.parse(text) else {
      throw Failure(message: "`\(text)` is not a number this engine can hold exactly", zh: "`\(text)` 不是能精确表示的数", offset: start, length: i - start,
                    help: "numbers have at most 4 decimal places", helpZh: "数最多有 4 位小数")
    }
    return Token(kind: .number(value), offset: start, length: i - start)
  }

  private mutating func string(quote: Unicode.Scalar, from start: Int) throws(Failure) -> Token {
    i += 1
    var value = String.UnicodeScalarView()
    while i < scalars.count, scalars[i] != quote {
      value.append(scalars[i])
      i += 1
    }
    guard i < scalars.count else {
      throw Failure(message: "string is not closed", zh: "字符串没有闭合", offset: start, length: i - start,
                    help: "add the closing \(quote)", helpZh: "请补上结尾的 \(quote)")
    }
    i += 1
    return Token(kind: .string(String(value)), offset: start, length: i - start)
  }
}
