/// Finds the first byte that is not valid UTF-8, as a line and column a person can go to.
///
/// A file saved as GBK by Excel or Notepad is the usual case; "not UTF-8" alone leaves the user
/// searching a long file for the one cell with Chinese text, so the place is reported.
package enum UTF8Check {
  package struct Problem: Equatable, Sendable {
    package var line: Int
    /// Counts the valid characters (Unicode scalars) before the byte on its line, from 1.
    package var column: Int
    package var byte: UInt8
  }

  static func firstProblem(in bytes: some Collection<UInt8>) -> Problem? {
    let b = Array(bytes)
    if String(validating: b, as: UTF8.self) != nil { return nil }  // the stdlib's fast check first
    var i = 0, line = 1, column = 1
    while i < b.count {
      let length = sequenceLength(b, at: i)
      guard length > 0 else { return Problem(line: line, column: column, byte: b[i]) }
      if b[i] == 0x0A {
        line += 1
        column = 1
      } else {
        column += 1
      }
      i += length
    }
    return nil
  }

  /// The length of the well-formed sequence at `i` (Unicode table 3-7), or 0 when ill-formed.
  private static func sequenceLength(_ b: [UInt8], at i: Int) -> Int {
    b.withUnsafeBufferPointer { sequenceLength($0, at: i) }
  }

  /// The same, in place.
  @inline(__always)
  static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
    let lead = b[i]
    let (length, low, high): (Int, UInt8, UInt8)
    switch lead {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
    case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
    case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
    case 0xED: (length, low, high) = (3, 0x80, 0x9F)
    case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
    case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
    case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
    default: return 0
    }
    guard i + length <= b.count, (low...high).contains(b[i + 1]) else { return 0 }
    for k in 2..<max(2, length) where !(0x80...0xBF).contains(b[i + k]) { return 0 }
    return length
  }

  /// Whether bytes that are not UTF-8 read as GBK (GB 18030's two-byte part): ASCII and pairs of a
  /// lead byte 0x81–0xFE and a trail byte 0x40–0xFE other than 0x7F, with at least one pair.
  /// UTF-8 Chinese text almost never passes (its third byte falls where a lead is wanted), so a
  /// file that does is GBK and is refused whole, with a hint, instead of row by row.
  static func looksLikeGBK(_ bytes: some Collection<UInt8>) -> Bool {
    var pairs = 0
    var iterator = bytes.makeIterator()
    while let b = iterator.next() {
      if b < 0x80 { continue }
      guard (0x81...0xFE).contains(b), let trail = iterator.next(), (0x40...0xFE).contains(trail), trail != 0x7F else { return false }
      pairs += 1
    }
    return pairs > 0
  }

  /// The hint given with a file that is not UTF-8.
  package static func saveAsUTF8Hint(gbk: Bool) -> String {
    (gbk ? "the file looks GBK-encoded (as Excel and Notepad save on Chinese Windows); " : "")
      + "save it as UTF-8 (Excel: Save As → CSV UTF-8)"
  }

  /// The same hint in Chinese.
  package static func saveAsUTF8HintZh(gbk: Bool) -> String {
    (gbk ? "文件看来是 GBK 编码（中文 Windows 上的 Excel 和记事本默认如此）；" : "")
      + "请另存为 UTF-8（Excel：另存为 → CSV UTF-8）"
  }
}
