/// Whole CSV records as read from the file, not yet split into fields.
///
/// `CSVReader.nextSlab` cuts them on the batch's reading thread (it only finds where records end);
/// `parse()` splits them on a worker. A slab always ends just past a record's line break, so parsing
/// it never needs more bytes and cannot find an open quote.
public struct CSVSlab: Sendable {
  let bytes: [UInt8]
  /// The line the first byte is on (the header is line 1).
  let firstLine: Int
  /// Records in the slab (blank lines are not records).
  public let records: Int

  /// The records as byte ranges per field, each with its line. Throws when the bytes read as GBK:
  /// then the whole file is in the wrong encoding.
  public func parse() throws(CSVReader.Failure) -> CSVChunk {
    var chunk = CSVChunk()
    chunk.lines.reserveCapacity(records)
    chunk.recordFields.reserveCapacity(records + 1)
    var line = firstLine
    bytes.withUnsafeBufferPointer { b in
      var p = 0
      while p < b.count { p = Self.parseRecord(b, from: p, line: &line, into: &chunk) }
    }
    chunk.bytes = bytes
    if let gbk = chunk.findCellProblems(firstLine: firstLine) {
      throw CSVReader.Failure.gbk(line: gbk.line, column: gbk.column, byte: gbk.byte)
    }
    return chunk
  }

  /// Splits the record (or blank line) at `start`, which ends with a line break inside `b`; returns
  /// where the next one starts. Fields are byte ranges; a quoted field holding `""` is marked for
  /// unescaping. Text between a closing quote and the separator is kept out of the field.
  private static func parseRecord(_ b: UnsafeBufferPointer<UInt8>, from start: Int, line: inout Int, into chunk: inout CSVChunk) -> Int {
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    let n = b.count
    var p = start
    var newlines = 0
    if b[p] == newline || (b[p] == cr && p + 1 < n && b[p + 1] == newline) {
      line += 1
      return b[p] == cr ? p + 2 : p + 1
    }
    while p < n {
      var fieldStart = p, fieldEnd = p, escaped = false
      if b[p] == quote {
        p += 1
        fieldStart = p
        while p < n {
          if b[p] == quote {
            if p + 1 < n, b[p + 1] == quote {
              escaped = true
              p += 2
              continue
            }
            break
          }
          if b[p] == newline { newlines += 1 }
          p += 1
        }
        fieldEnd = p
        p += 1
        while p < n, b[p] != comma, b[p] != newline { p += 1 }
      } else {
        while p < n, b[p] != comma, b[p] != newline { p += 1 }
        fieldEnd = p
        if fieldEnd > fieldStart, b[fieldEnd - 1] == cr, p < n, b[p] == newline { fieldEnd -= 1 }
      }
      chunk.fieldStart.append(Int32(truncatingIfNeeded: fieldStart))
      chunk.fieldEnd.append(Int32(truncatingIfNeeded: fieldEnd))
      chunk.fieldEscaped.append(escaped)
      if p < n, b[p] == comma {
        p += 1
        continue
      }
      break
    }
    // b[p] is the record's line break.
    chunk.recordFields.append(Int32(truncatingIfNeeded: chunk.fieldStart.count))
    chunk.lines.append(line)
    line += 1 + newlines
    return p + 1
  }
}
