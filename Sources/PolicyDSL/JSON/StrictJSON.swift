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
    public var line: Int
    public var column: Int
    public var help: String?
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
        guard i < s.count else { throw fail("the file ends where a value is expected") }
        if s[i] == "{" || s[i] == "[" {
          guard stack.count < Self.maximumDepth else { throw fail("JSON is nested too deeply (more than \(Self.maximumDepth) levels)") }
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
        guard i >= s.count else { throw fail("unexpected \(describe()) after the end of the JSON value") }
        return
      }
      let close: Unicode.Scalar = open == .object ? "}" : "]"
      guard i < s.count else {
        throw fail("the file ends inside `\(open == .object ? "{" : "[")` opened at \(openLine):\(openColumn)", help: "close it with `\(close)`")
      }
      if s[i] == close {
        stack.removeLast()
        step()
        continue
      }
      guard s[i] == "," else { throw fail("expected `,` or `\(close)`, found \(describe())") }
      let comma = (line, column)
      step()
      skipSpace()
      if i < s.count, s[i] == close {
        throw Problem(message: "trailing comma before `\(close)`", line: comma.0, column: comma.1, help: "JSON allows no comma after the last item; remove it")
      }
      if open == .object { try member() }
      needValue = true
    }
  }

  /// `"key" :` of an object member; the value follows.
  private mutating func member() throws(Problem) {
    skipSpace()
    guard i < s.count, s[i] == "\"" else {
      throw fail("expected a key in double quotes, found \(describe())", help: i < s.count && s[i] == "'" ? "JSON strings use double quotes" : nil)
    }
    try string()
    skipSpace()
    guard i < s.count, s[i] == ":" else { throw fail("expected `:` after the key, found \(describe())") }
    step()
    skipSpace()
  }

  private mutating func scalar() throws(Problem) {
    switch s[i] {
    case "\"": try string()
    case "-", "0"..."9": try number()
    case "'": throw fail("JSON strings use double quotes, found `'`", help: "write \"…\"")
    case "/", "#": throw fail("JSON has no comments", help: "remove the comment")
    default:
      for word in ["true", "false", "null"] where s[i...].starts(with: word.unicodeScalars) {
        for _ in word.unicodeScalars { step() }
        return
      }
      throw fail("expected a value, found \(describe())", help: "quote text in double quotes")
    }
  }

  private mutating func string() throws(Problem) {
    step()
    while i < s.count, s[i] != "\"" {
      if s[i].value < 0x20 { throw fail("a line break or control character inside a string", help: "write it as an escape such as \\n") }
      if s[i] == "\\" {
        step()
        guard i < s.count, "\"\\/bfnrtu".unicodeScalars.contains(s[i]) else { throw fail("unknown escape in a string") }
        if s[i] == "u" {
          for _ in 0..<4 {
            step()
            guard i < s.count, s[i].properties.isASCIIHexDigit else { throw fail("`\\u` needs four hex digits") }
          }
        }
      }
      step()
    }
    guard i < s.count else { throw fail("the file ends inside a string", help: "close it with `\"`") }
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
    guard whole > 0 else { throw fail("a number needs digits") }
    if leadingZero, whole > 1 { throw fail("a JSON number has no leading zero", help: "quote codes such as \"0731\"") }
    if i < s.count, s[i] == "." {
      step()
      guard digits() > 0 else { throw fail("expected digits after `.`") }
    }
    if i < s.count, s[i] == "e" || s[i] == "E" {
      step()
      if i < s.count, s[i] == "+" || s[i] == "-" { step() }
      guard digits() > 0 else { throw fail("expected digits in the exponent") }
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

  private func fail(_ message: String, help: String? = nil) -> Problem {
    Problem(message: message, line: line, column: column, help: help)
  }
}
