/// Whole CSV records read from a file, as byte ranges into one buffer: no `String` per field.
public struct CSVChunk: Sendable {
  /// The chunk's bytes; field ranges index into it.
  public internal(set) var bytes: [UInt8] = []
  var fieldStart: [Int32] = []
  var fieldEnd: [Int32] = []
  /// A quoted field holding `""`, which must be unescaped before use.
  var fieldEscaped: [Bool] = []
  /// Index of each record's first field; one more entry than records.
  var recordFields: [Int32] = [0]
  /// 1-based line number where each record starts (the header is line 1).
  public internal(set) var lines: [Int] = []
  /// Per record (by index), its first cell whose bytes are not clean text; see `findCellProblems`.
  package internal(set) var cellProblems: [Int: CellProblem] = [:]

  public var count: Int { lines.count }

  public func fieldCount(_ record: Int) -> Int { Int(recordFields[record + 1] - recordFields[record]) }

  /// Calls `body` with the bytes of field `column` of `record` (empty when the row is short).
  @inline(__always)
  public func withField<R>(_ record: Int, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    let index = Int(recordFields[record]) + column
    guard column >= 0, index < Int(recordFields[record + 1]) else {
      return body(UnsafeBufferPointer(start: nil, count: 0))
    }
    if fieldEscaped[index] {
      let unescaped = unescape(index)
      return unescaped.withUnsafeBufferPointer(body)
    }
    return bytes.withUnsafeBufferPointer { all in
      let start = Int(fieldStart[index]), end = Int(fieldEnd[index])
      return body(UnsafeBufferPointer(rebasing: all[start..<end]))
    }
  }

  public func string(_ record: Int, _ column: Int) -> String {
    withField(record, column) { String(decoding: $0, as: UTF8.self) }
  }

  private func unescape(_ index: Int) -> [UInt8] {
    var out: [UInt8] = []
    var i = Int(fieldStart[index])
    let end = Int(fieldEnd[index])
    while i < end {
      out.append(bytes[i])
      i += (bytes[i] == UInt8(ascii: "\"") && i + 1 < end && bytes[i + 1] == UInt8(ascii: "\"")) ? 2 : 1
    }
    return out
  }
}
