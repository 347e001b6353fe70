/// Columns aligned for a terminal, counting a Chinese character as two cells wide.
struct TextTable {
  var rows: [[String]] = []
  /// Columns after the first `leftColumns` are right-aligned (amounts).
  var leftColumns = 1

  mutating func add(_ row: [String]) { rows.append(row) }

  func render(indent: String = "  ") -> String {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], Self.width(cell)) } }
    return rows.map { row in
      indent + row.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - Self.width(cell))
        return i < leftColumns ? cell + pad : pad + cell
      }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
    }.joined()
  }

  /// Display width: East Asian wide and full-width characters take two cells.
  static func width(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { n, u in
      let v = u.value
      let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
        || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
      return n + (wide ? 2 : 1)
    }
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
