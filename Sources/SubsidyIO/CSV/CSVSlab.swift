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
      if p < b.count { p = Self.parseRecord(b, from: p, line: &line, into: &chunk) }
      // Records of an export have as many fields as the first: room for them all at once, not by
      // doubling three arrays as they fill.
      let width = chunk.fieldStart.count
      chunk.fieldStart.reserveCapacity(width * records)
      chunk.fieldEnd.reserveCapacity(width * records)
      chunk.fieldEscaped.reserveCapacity(width * records)
      while p < b.count { p = Self.parseRecord(b, from: p, line: &line, into: &chunk) }
    }
    chunk.bytes = bytes
    if let gbk = chunk.findCellProblems(firstLine: firstLine) {
      throw CSVReader.Failure.gbk(line: gbk.line, column: gbk.column, byte: gbk.byte)
    }
    return chunk
  }

  /// Where the next `,` or line feed is at or after `p` (`b.count` if none): eight bytes at a time,
  /// each tested for both with the "has a zero byte" arithmetic (the lowest byte found is exact, and a
  /// byte of a multi-byte character never matches), then byte by byte for the last few.
  @inline(__always)
  static func nextDelimiter(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    let n = b.count
    var p = start
    if let base = b.baseAddress {
      let raw = UnsafeRawPointer(base)
      let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
      while p + 8 <= n {
        let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))
        let commas = x ^ 0x2C2C_2C2C_2C2C_2C2C, feeds = x ^ 0x0A0A_0A0A_0A0A_0A0A
        let found = ((commas &- ones) & ~commas | (feeds &- ones) & ~feeds) & highs
        if found != 0 { return p + found.trailingZeroBitCount / 8 }
        p += 8
      }
    }
    while p < n, b[p] != UInt8(ascii: ","), b[p] != UInt8(ascii: "\n") { p += 1 }
    return p
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
        p = Self.nextDelimiter(b, from: p)
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
