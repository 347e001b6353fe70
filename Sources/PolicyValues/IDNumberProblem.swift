/// Why a string is not a valid resident ID number; each description is a
/// sentence fragment that names the fix (e.g. "expected check digit `X`, got `3`").
public enum IDNumberProblem: Error, Hashable, Sendable, CustomStringConvertible {
  /// The number of characters found, when it is not 18.
  case wrongLength(Int)
  /// A character (1-based position) that is not an ASCII digit, or not `X` in position 18.
  case nonDigit(position: Int, character: Character)
  /// The first six digits and why they are not a division code.
  case badRegion(String, DivisionCodeProblem)
  /// Digits 7–14, which are not a real YYYYMMDD date.
  case impossibleBirthDate(String)
  /// The check character computed from the first 17 digits, and the one given.
  case checksumMismatch(expected: Character, got: Character)

  public var description: String {
    switch self {
    case .wrongLength(let count):
      return "has \(count) character\(count == 1 ? "" : "s"); an ID number has 18"
    case .nonDigit(let position, let character) where position == 18:
      return "character 18 is `\(character)`; the last character must be a digit or `X`"
    case .nonDigit(let position, let character):
      return "character \(position) is `\(character)`; the first 17 characters must be digits"
    case .badRegion(let digits, let problem):
      return "region `\(digits)` (digits 1–6) is not a division code: \(problem)"
    case .impossibleBirthDate(let digits):
      return "birth date `\(digits)` (digits 7–14) is not a real YYYYMMDD date"
    case .checksumMismatch(let expected, let got):
      return "expected check digit `\(expected)`, got `\(got)`"
    }
  }

  /// The same in Chinese, for diagnostics shown to officers.
  public var zh: String {
    switch self {
    case .wrongLength(let count):
      return "有 \(count) 个字符；身份证号应为 18 位"
    case .nonDigit(let position, let character) where position == 18:
      return "第 18 位是 `\(character)`；最后一位须为数字或 `X`"
    case .nonDigit(let position, let character):
      return "第 \(position) 位是 `\(character)`；前 17 位须为数字"
    case .badRegion(let digits, let problem):
      return "地区码 `\(digits)`（第 1–6 位）不是行政区划代码：\(problem.zh)"
    case .impossibleBirthDate(let digits):
      return "出生日期 `\(digits)`（第 7–14 位）不是真实的日期"
    case .checksumMismatch(let expected, let got):
      return "校验码应为 `\(expected)`，实际为 `\(got)`"
    }
  }
}
