/// The Chinese for the problems libyaml (through Yams) reports, which come in English.
///
/// libyaml has a fixed set of problem texts; the common ones an officer meets (a tab, a bad indent,
/// a missing colon, an undefined alias) are said in Chinese. Any other is quoted in backticks as
/// libyaml wrote it, so the officer still sees what the parser said.
enum YAMLProblemZh {
  static func zh(_ problem: String) -> String {
    for (english, chinese) in known where problem.contains(english) { return chinese }
    return "`\(problem)`"
  }

  /// Longer, more specific texts first.
  private static let known: [(String, String)] = [
    ("found a tab character that violates indentation", "缩进里有制表符（Tab）"),
    ("found a tab character where an indentation space is expected", "应为缩进空格的地方有制表符（Tab）"),
    ("found character that cannot start any token", "有不能出现在这里的字符"),
    ("mapping values are not allowed in this context", "这里不能写“键: 值”（缩进或冒号有误）"),
    ("block sequence entries are not allowed in this context", "这里不能写列表项 `-`（缩进有误）"),
    ("did not find expected key", "没有找到应有的键（缩进有误？）"),
    ("did not find expected '-' indicator", "没有找到应有的列表项 `-`（缩进有误？）"),
    ("did not find expected node content", "没有找到应有的内容"),
    ("did not find expected ',' or ']'", "没有找到应有的 `,` 或 `]`"),
    ("did not find expected ',' or '}'", "没有找到应有的 `,` 或 `}`"),
    ("could not find expected ':'", "没有找到应有的冒号 `:`"),
    ("found undefined alias", "使用了未定义的别名"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合？）"),
    ("found unknown escape character", "有未知的转义字符"),
    ("found unexpected ':'", "有多余的冒号 `:`"),
    ("control characters are not allowed", "不能有控制字符"),
    ("found incompatible YAML document", "YAML 版本不兼容"),
    ("did not find expected <document start>", "没有找到文档开头"),
    ("did not find URI escaped octet", "缺少转义字节"),
    ("invalid leading UTF-8 octet", "不是有效的 UTF-8 文本"),
    ("invalid trailing UTF-8 octet", "不是有效的 UTF-8 文本"),
    ("incomplete UTF-8 octet sequence", "不是有效的 UTF-8 文本"),
  ]
}
