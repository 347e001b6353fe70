/// Why a string is not a division code.
///
/// A case per mistake seen in real fact files (a dropped digit, a letter `O`
/// for zero, a made-up province) so that the message points at the fix.
public enum DivisionCodeProblem: Error, Hashable, Sendable, CustomStringConvertible {
  case empty
  /// The first character that is not an ASCII digit (full-width digits count as non-digits).
  case nonDigit(Character)
  /// The number of digits found, when it is not 6.
  case wrongLength(Int)
  /// The first two digits, which are not a province-level code.
  case unknownProvince(String)

  public var description: String {
    switch self {
    case .empty: return "is empty; a division code has 6 digits"
    case .nonDigit(let character): return "contains `\(character)`; a division code is 6 digits"
    case .wrongLength(let count):
      return "has \(count) digit\(count == 1 ? "" : "s"); a division code has 6"
    case .unknownProvince(let digits): return "`\(digits)` is not a province code"
    }
  }

  /// The same in Chinese, for diagnostics shown to officers.
  public var zh: String {
    switch self {
    case .empty: return "是空的；行政区划代码为 6 位数字"
    case .nonDigit(let character): return "含有 `\(character)`；行政区划代码为 6 位数字"
    case .wrongLength(let count): return "有 \(count) 位；行政区划代码为 6 位"
    case .unknownProvince(let digits): return "`\(digits)` 不是省级代码"
    }
  }
}
