/// Whole CSV records read from a file, as byte ranges into one buffer: no `String` per field.
public struct CSVChunk: Sendable {
  /// The chunk's bytes; field ranges index into it.
  public internal(set) var bytes: [UInt8] = []
  /// Every record's fields, one record after another: one array of eight-byte ranges, written once
  /// per field into room made for them all (`CSVSlab.parse`), not three arrays appended to per field.
  var fields: [CSVFieldRange] = []
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
    let field = fields[index]
    if field.escaped {
      let unescaped = unescape(field)
      return unescaped.withUnsafeBufferPointer(body)
    }
    return bytes.withUnsafeBufferPointer { all in body(UnsafeBufferPointer(rebasing: all[field.start..<field.end])) }
  }

  public func string(_ record: Int, _ column: Int) -> String {
    withField(record, column) { String(decoding: $0, as: UTF8.self) }
  }

  /// The field's bytes as they are in the file: a quoted cell's `""` still doubled.
  func rawField(_ record: Int, _ column: Int) -> ArraySlice<UInt8> {
    let field = fields[Int(recordFields[record]) + column]
    return bytes[field.start..<field.end]
  }

  private func unescape(_ field: CSVFieldRange) -> [UInt8] {
    var out: [UInt8] = []
    var i = field.start
    let end = field.end
    while i < end {
      out.append(bytes[i])
      i += (bytes[i] == UInt8(ascii: "\"") && i + 1 < end && bytes[i + 1] == UInt8(ascii: "\"")) ? 2 : 1
    }
    return out
  }
}

/// One field's bytes in its chunk, `start..<end`, and whether it is a quoted cell holding `""`
/// (which must be unescaped before use). Eight bytes: the flag is the end's top bit (a slab is far
/// smaller than 2 GB).
struct CSVFieldRange: Sendable, Equatable {
  private var first: UInt32
  private var endAndFlag: UInt32

  @inline(__always)
  init(start: Int, end: Int, escaped: Bool) {
    first = UInt32(truncatingIfNeeded: start)
    endAndFlag = UInt32(truncatingIfNeeded: end) & 0x7FFF_FFFF | (escaped ? 0x8000_0000 : 0)
  }

  var start: Int { Int(first) }
  var end: Int { Int(endAndFlag & 0x7FFF_FFFF) }
  var escaped: Bool { endAndFlag & 0x8000_0000 != 0 }
}
