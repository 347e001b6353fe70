import Foundation

/// The command line's own usage errors (an unknown option, a missing argument, a value that does not
/// parse), which ArgumentParser writes in English, given in Chinese unless `--lang en`, like every
/// other error line of the tool (`错误：…`, values in backticks).
///
/// ArgumentParser's messages are matched line by line; a line it writes that is not known here keeps
/// its words (after `错误：`), so nothing it says is lost.
enum UsageErrorText {
  /// Whether the command line asks for English (`--lang en` or `--lang=en`); parsing failed, so the
  /// option is looked for in the words themselves.
  static func wantsEnglish(_ arguments: [String]) -> Bool {
    for (i, word) in arguments.enumerated() {
      if word == "--lang=en" { return true }
      if word == "--lang", i + 1 < arguments.count, arguments[i + 1] == "en" { return true }
    }
    return false
  }

  /// ArgumentParser's message for a usage error, in Chinese.
  static func chinese(_ message: String) -> String {
    var out: [String] = []
    for line in message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if let error = strip(line, "Error: ") {
        out.append("错误：" + errorSentence(error))
      } else if strip(line, "Help: ") != nil {
        // The option's own help (English product text) is on `--help`; the usage line below names it.
        continue
      } else if let usage = strip(line, "Usage: ") {
        out.append("用法：`\(usage)`")
      } else if let see = quoted(in: line, after: "  See '", before: "' for more information.") {
        out.append("   提示：详见 `\(see)`")
      } else {
        out.append(line)
      }
    }
    return out.joined(separator: "\n")
  }

  /// One `Error:` sentence of ArgumentParser, in Chinese.
  private static func errorSentence(_ text: String) -> String {
    var text = text
    var suggestion = ""
    if let range = text.range(of: ". Did you mean '"), text.hasSuffix("'?") {
      let name = text[range.upperBound..<text.index(text.endIndex, offsetBy: -2)]
      suggestion = "。是不是要写 `\(name)`？"
      text = String(text[..<range.lowerBound])
    }
    let patterns: [(prefix: String, zh: (String) -> String)] = [
      ("Unknown option '", { "没有选项 `\($0)`" }),
      ("Missing expected argument '", { "缺少 `\($0)`" }),
      ("Missing value for '", { "`\($0)` 后面缺少值" }),
      ("Unexpected argument '", { "多余的参数 `\($0)`" }),
    ]
    for (prefix, zh) in patterns {
      if let rest = strip(text, prefix), rest.hasSuffix("'") { return zh(String(rest.dropLast())) + suggestion }
    }
    // The value 'abc' is invalid for '--threads <threads>'
    if let rest = strip(text, "The value '"), let split = rest.range(of: "' is invalid for '"), rest.hasSuffix("'") {
      let value = rest[..<split.lowerBound], option = rest[split.upperBound..<rest.index(before: rest.endIndex)]
      return "`\(value)` 不是 `\(option)` 的有效值" + suggestion
    }
    return text + suggestion
  }

  private static func strip(_ line: String, _ prefix: String) -> String? {
    line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) : nil
  }

  private static func quoted(in line: String, after start: String, before end: String) -> String? {
    guard line.hasPrefix(start), line.hasSuffix(end) else { return nil }
    return String(line.dropFirst(start.count).dropLast(end.count))
  }
}
