import PolicySupport

/// Checks that a `.json` file is strict JSON (RFC 8259) before it is read as YAML.
///
/// JSON is read through the YAML parser so it gets the same spans and checks, but YAML accepts
/// what JSON forbids (trailing commas, comments, single quotes, bare words). An export that
/// another program will also read must not pass here and fail there, so these are errors.
/// The walk is iterative (an explicit stack), so deep nesting cannot overflow the stack.
public struct StrictJSON {
  /// Deeper documents are refused: facts are a few levels deep, and later stages recurse.
  public static let maximumDepth = 200

  public struct Problem: Error, Equatable {
    public var message: String
    /// The message in Chinese.
    public var messageZh: String
    public var line: Int
    public var column: Int
    public var help: String?
    public var helpZh: String? = nil
  }

  private let s: [Unicode.Scalar]
  private var i = 0, line = 1, column = 1

  private init(_ text: String) { s = Array(text.unicodeScalars) }

  /// Nil when `text` is one well-formed JSON value, else the first problem and its place.
  public static func problem(in text: String) -> Problem? {
    var checker = StrictJSON(text)
    do throws(Problem) {
      try checker.document()
      return nil
    } catch {
      return error
    }
  }

  private enum Open { case object, array }

  private mutating func document() throws(Problem) {
    var stack: [(Open, line: Int, column: Int)] = []
    var needValue = true
    skipSpace()
    while true {
      if needValue {
        guard i < s.count else { throw fail("the file ends where a value is expected", zh: "文件在应有值的地方结束了") }
        if s[i] == "{" || s[i] == "[" {
          guard stack.count < Self.maximumDepth else { throw fail("JSON is nested too deeply (more than \(Self.maximumDepth) levels)", zh: "JSON 嵌套太深（超过 \(Self.maximumDepth) 层）") }
          stack.append((s[i] == "{" ? .object : .array, line, column))
          let isObject = s[i] == "{"
          step()
          skipSpace()
          if i < s.count, s[i] == (isObject ? "}" : "]") {
            stack.removeLast()
            step()
            needValue = false
          } else if isObject {
            try member()
          }
          continue
        }
        try scalar()
        needValue = false
        continue
      }
      skipSpace()
      guard let (open, openLine, openColumn) = stack.last else {
        guard i >= s.count else { throw fail("unexpected \(describe()) after the end of the JSON value", zh: "JSON 值结束后多出了 \(describeZh())") }
        return
      }
      let close: Unicode.Scalar = open == .object ? "}" : "]"
      guard i < s.count else {
        throw fail("the file ends inside `\(open == .object ? "{" : "[")` opened at \(openLine):\(openColumn)",
                   zh: "文件在第 \(openLine):\(openColumn) 处打开的 `\(open == .object ? "{" : "[")` 里面就结束了", help: "close it with `\(close)`", helpZh: "请用 `\(close)` 闭合")
      }
      if s[i] == close {
        stack.removeLast()
        step()
        continue
      }
      guard s[i] == "," else { throw fail("expected `,` or `\(close)`, found \(describe())", zh: "这里应为 `,` 或 `\(close)`，实际为 \(describeZh())") }
      let comma = (line, column)
      step()
      skipSpace()
      if i < s.count, s[i] == close {
        throw Problem(message: "trailing comma before `\(close)`", messageZh: "`\(close)` 前面多了一个逗号", line: comma.0, column: comma.1,
                      help: "JSON allows no comma after the last item; remove it", helpZh: "JSON 的最后一项后面不能有逗号；请删去")
      }
      if open == .object { try member() }
      needValue = true
    }
  }

  /// `"key" :` of an object member; the value follows.
  private mutating func member() throws(Problem) {
    skipSpace()
    guard i < s.count, s[i] == "\"" else {
      throw fail("expected a key in double quotes, found \(describe())", zh: "这里应为双引号括起的键，实际为 \(describeZh())",
                 help: i < s.count && s[i] == "'" ? "JSON strings use double quotes" : nil, helpZh: i < s.count && s[i] == "'" ? "JSON 的字符串用双引号" : nil)
    }
    try string()
    skipSpace()
    guard i < s.count, s[i] == ":" else { throw fail("expected `:` after the key, found \(describe())", zh: "键后面应为 `:`，实际为 \(describeZh())") }
    step()
    skipSpace()
  }

  private mutating func scalar() throws(Problem) {
    switch s[i] {
    case "\"": try string()
    case "-", "0"..."9": try number()
    case "'": throw fail("JSON strings use double quotes, found `'`", zh: "JSON 的字符串用双引号，这里是 `'`", help: "write \"…\"", helpZh: "请写成 \"…\"")
    case "/", "#": throw fail("JSON has no comments", zh: "JSON 里不能有注释", help: "remove the comment", helpZh: "请删去注释")
    default:
      for word in ["true", "false", "null"] where s[i...].starts(with: word.unicodeScalars) {
        for _ in word.unicodeScalars { step() }
        return
      }
      throw fail("expected a value, found \(describe())", zh: "这里应为一个值，实际为 \(describeZh())", help: "quote text in double quotes", helpZh: "文字请用双引号括起")
    }
  }

  private mutating func string() throws(Problem) {
    step()
    while i < s.count, s[i] != "\"" {
      if s[i].value < 0x20 { throw fail("a line break or control character inside a string", zh: "字符串中有换行或控制字符", help: "write it as an escape such as \\n", helpZh: "请写成转义，如 \\n") }
      if s[i] == "\\" {
        step()
        guard i < s.count, "\"\\/bfnrtu".unicodeScalars.contains(s[i]) else { throw fail("unknown escape in a string", zh: "字符串中有未知的转义") }
        if s[i] == "u" {
          for _ in 0..<4 {
            step()
            guard i < s.count, s[i].properties.isASCIIHexDigit else { throw fail("`\\u` needs four hex digits", zh: "`\\u` 后面须有四位十六进制数字") }
          }
        }
      }
      step()
    }
    guard i < s.count else { throw fail("the file ends inside a string", zh: "文件在字符串里面就结束了", help: "close it with `\"`", helpZh: "请用 `\"` 闭合") }
    step()
  }

  private mutating func number() throws(Problem) {
    func digits() -> Int {
      var n = 0
      while i < s.count, ("0"..."9").contains(s[i]) { step(); n += 1 }
      return n
    }
    if s[i] == "-" { step() }
    let leadingZero = i < s.count && s[i] == "0"
    let whole = digits()
    guard whole > 0 else { throw fail("a number needs digits", zh: "数里须有数字") }
    if leadingZero, whole > 1 { throw fail("a JSON number has no leading zero", zh: "JSON 的数不能以 0 开头", help: "quote codes such as \"0731\"", helpZh: "代码（如 \"0731\"）请加引号") }
    if i < s.count, s[i] == "." {
      step()
      guard digits() > 0 else { throw fail("expected digits after `.`", zh: "`.` 后面应为数字") }
    }
    if i < s.count, s[i] == "e" || s[i] == "E" {
      step()
      if i < s.count, s[i] == "+" || s[i] == "-" { step() }
      guard digits() > 0 else { throw fail("expected digits in the exponent", zh: "指数部分应为数字") }
    }
  }

  private mutating func skipSpace() {
    while i < s.count, [" ", "\t", "\n", "\r"].contains(s[i]) { step() }
  }

  private mutating func step() {
    if i < s.count, s[i] == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    i += 1
  }

  private func describe() -> String { i < s.count ? "`\(s[i])`" : "the end of the file" }
  private func describeZh() -> String { i < s.count ? "`\(s[i])`" : "文件结尾" }

  private func fail(_ message: String, zh: String, help: String? = nil, helpZh: String? = nil) -> Problem {
    Problem(message: message, messageZh: zh, line: line, column: column, help: help, helpZh: helpZh)
  }
}
