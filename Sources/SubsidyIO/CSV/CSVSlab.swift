import PolicySupport

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
  ///
  /// The fields are written straight into arrays made large enough beforehand: an export's records
  /// have as many fields as its first line, so that times `records` is room for them all. A slab that
  /// needs more (ragged rows) is split again into room for every field it can hold (one per comma and
  /// one per line), which it cannot outgrow.
  public func parse() throws(CSVReader.Failure) -> CSVChunk {
    var chunk = CSVChunk()
    bytes.withUnsafeBufferPointer { b in
      if !Self.split(b, firstLine: firstLine, fieldRoom: Self.firstLineFields(b) * records + 1, recordRoom: records, into: &chunk) {
        let (commas, lineFeeds) = Self.countDelimiters(b)
        let fitted = Self.split(b, firstLine: firstLine, fieldRoom: commas + lineFeeds + 1, recordRoom: lineFeeds + 1, into: &chunk)
        precondition(fitted, "a slab's records hold at most one field per comma and per line")
      }
    }
    chunk.bytes = bytes
    if let gbk = chunk.findCellProblems(firstLine: firstLine) {
      throw CSVReader.Failure.gbk(line: gbk.line, column: gbk.column, byte: gbk.byte)
    }
    return chunk
  }

  /// Splits `b` into `chunk`'s fields, record starts and lines, in arrays of `fieldRoom` fields and
  /// `recordRoom` records; false (and `chunk` left unusable) when they are too small.
  private static func split(_ b: UnsafeBufferPointer<UInt8>, firstLine: Int, fieldRoom: Int, recordRoom: Int,
                            into chunk: inout CSVChunk) -> Bool {
    var fitted = true
    var fieldCount = 0, recordCount = 0
    // Rooms of at least one, so that each has a base address.
    var fieldArray: [CSVFieldRange] = [], startArray: [Int32] = []
    let lines = [Int](unsafeUninitializedCapacity: max(1, recordRoom)) { lines, linesWritten in
      startArray = [Int32](unsafeUninitializedCapacity: recordRoom + 1) { starts, startsWritten in
        fieldArray = [CSVFieldRange](unsafeUninitializedCapacity: max(1, fieldRoom)) { fields, fieldsWritten in
          var out = Output(fields: fields.baseAddress!, fieldRoom: fieldRoom, lines: lines.baseAddress!,
                           starts: starts.baseAddress!, recordRoom: recordRoom)
          fitted = splitRecords(b, line: firstLine, into: &out)
          (fieldCount, recordCount) = fitted ? (out.fieldCount, out.recordCount) : (0, 0)
          fieldsWritten = fieldCount
        }
        startsWritten = recordCount + 1
      }
      linesWritten = recordCount
    }
    chunk.fields = fieldArray
    chunk.recordFields = startArray
    chunk.lines = lines
    return fitted
  }

  /// Where `splitRecords` writes: room made beforehand, and how much of it is used.
  struct Output {
    let fields: UnsafeMutablePointer<CSVFieldRange>
    let fieldRoom: Int
    /// Each record's line.
    let lines: UnsafeMutablePointer<Int>
    /// Each record's first field; entry 0 is 0, entry `r + 1` is where record `r` ends.
    let starts: UnsafeMutablePointer<Int32>
    let recordRoom: Int
    var fieldCount = 0
    var recordCount = 0

    init(fields: UnsafeMutablePointer<CSVFieldRange>, fieldRoom: Int, lines: UnsafeMutablePointer<Int>,
         starts: UnsafeMutablePointer<Int32>, recordRoom: Int) {
      self.fields = fields
      self.fieldRoom = fieldRoom
      self.lines = lines
      self.starts = starts
      self.recordRoom = recordRoom
      starts[0] = 0
    }

    @inline(__always)
    mutating func field(_ start: Int, _ end: Int, escaped: Bool = false) -> Bool {
      guard fieldCount < fieldRoom else { return false }
      fields[fieldCount] = CSVFieldRange(start: start, end: end, escaped: escaped)
      fieldCount += 1
      return true
    }
  }

  /// Splits every record and blank line of `b` (which ends with a line feed). A cell that starts with
  /// a quote runs to its closing quote (`""` is a quote inside it; commas and line breaks are its own)
  /// and text between that quote and the separator is kept out of it; any other cell runs to the next
  /// comma or line feed, less a CR before the line feed. False when `out` has too little room.
  ///
  /// Cells without quotes (nearly all) are split eight bytes at a time: each word read once gives
  /// the exact places of its commas and line feeds as one bit each, and every cell ending in the word
  /// is written from them.
  static func splitRecords(_ b: UnsafeBufferPointer<UInt8>, line firstLine: Int, into out: inout Output) -> Bool {
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    let n = b.count
    guard let base = b.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var line = firstLine
    var p = 0
    while p < n {
      if base[p] == newline {
        line += 1
        p += 1
        continue
      }
      if base[p] == cr, p + 1 < n, base[p + 1] == newline {
        line += 1
        p += 2
        continue
      }
      guard out.recordCount < out.recordRoom else { return false }
      var newlines = 0
      // The cell being split starts at `f`; `p` ends as the record's line feed.
      var f = p
      record: while true {
        if f < n, base[f] == quote {
          var q = f + 1
          var escaped = false
          while q < n {
            let c = base[q]
            if c == quote {
              if q + 1 < n, base[q + 1] == quote {
                escaped = true
                q += 2
                continue
              }
              break
            }
            if c == newline { newlines += 1 }
            q += 1
          }
          guard out.field(f + 1, q, escaped: escaped) else { return false }
          p = q + 1
          while p < n, base[p] != comma, base[p] != newline { p += 1 }
          if p < n, base[p] == comma {
            f = p + 1
            continue record
          }
          break record
        }
        // A cell without quotes: find the comma or line feed after it, a word at a time.
        var w = f
        while w + 8 <= n {
          let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: w, as: UInt64.self))
          let feeds = ByteSearch.zeroBytes(x ^ 0x0A0A_0A0A_0A0A_0A0A)
          var found = ByteSearch.zeroBytes(x ^ 0x2C2C_2C2C_2C2C_2C2C) | feeds
          while found != 0 {
            let bit = found.trailingZeroBitCount
            let d = w + bit >> 3
            if feeds >> bit & 1 != 0 {
              let end = d > f && base[d - 1] == cr ? d - 1 : d
              guard out.field(f, end) else { return false }
              p = d
              break record
            }
            guard out.field(f, d) else { return false }
            f = d + 1
            if f < n, base[f] == quote { continue record }
            found &= found &- 1
          }
          w += 8
        }
        // The last few bytes, one at a time.
        var d = w
        while d < n, base[d] != comma, base[d] != newline { d += 1 }
        if d < n, base[d] == comma {
          guard out.field(f, d) else { return false }
          f = d + 1
          continue record
        }
        let end = d > f && d < n && base[d - 1] == cr ? d - 1 : d
        guard out.field(f, end) else { return false }
        p = d
        break record
      }
      out.recordCount += 1
      out.lines[out.recordCount - 1] = line
      out.starts[out.recordCount] = Int32(truncatingIfNeeded: out.fieldCount)
      line += 1 + newlines
      p += 1
    }
    return true
  }

  /// Fields on the first line that is not blank (one more than its commas), for the room to make.
  static func firstLineFields(_ b: UnsafeBufferPointer<UInt8>) -> Int {
    var p = 0
    while p < b.count, b[p] == UInt8(ascii: "\n") || b[p] == UInt8(ascii: "\r") { p += 1 }
    var commas = 0
    while p < b.count, b[p] != UInt8(ascii: "\n") {
      if b[p] == UInt8(ascii: ",") { commas += 1 }
      p += 1
    }
    return commas + 1
  }

  /// Commas and line feeds in `b`: at most one field per comma and one per line, and one record per line.
  static func countDelimiters(_ b: UnsafeBufferPointer<UInt8>) -> (commas: Int, lineFeeds: Int) {
    var commas = 0, feeds = 0
    for byte in b {
      if byte == UInt8(ascii: ",") { commas += 1 } else if byte == UInt8(ascii: "\n") { feeds += 1 }
    }
    return (commas, feeds)
  }
}
