/// Recognises a file whose lines end in CR alone (classic Mac OS, some old exports).
///
/// Read as LF-separated text such a file is one long line: a CSV's header then holds every row and
/// gives a hundred "duplicate column" messages, none of which names the real problem. Checking the
/// first block before parsing lets the readers say what is wrong instead.
enum LineEnds {
  /// The number of bare CRs before the first LF, when the first line break is a bare CR; else nil.
  static func crOnly(_ bytes: [UInt8]) -> Int? {
    let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    var count = 0
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if b == lf { break }
      if b == cr {
        if i + 1 < bytes.count, bytes[i + 1] == lf { break }  // CRLF: Windows line ends
        if i + 1 < bytes.count || count > 0 { count += 1 }
      }
      i += 1
    }
    return count > 0 ? count : nil
  }
}
