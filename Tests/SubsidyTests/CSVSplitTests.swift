import Foundation
@testable import SubsidyIO
import Testing

/// The word-at-a-time splitter (`CSVSlab.parse`) and the reader's reused buffer (`CSVReader`) give
/// the fields, lines and cell problems a plain byte-by-byte splitter written here gives, on generated
/// exports and on hostile bytes: quotes and `""`, junk after a closing quote, CRLF and stray CRs,
/// quoted cells over several lines, blank lines, long cells, bad UTF-8 and control bytes, ragged rows;
/// read whole and in blocks of every small size, so that records and words are cut everywhere.
@Suite struct CSVSplitTests {
  struct Record: Equatable, CustomStringConvertible {
    var line: Int
    /// Each field as `withField` gives it (`""` unescaped).
    var fields: [[UInt8]]
    /// Each field as it is in the file, which the cell check reads.
    var raw: [[UInt8]]
    var description: String { "line \(line): \(fields.map { String(decoding: $0, as: UTF8.self).debugDescription })" }
  }

  /// RFC 4180 as the reader takes it, one byte at a time: nil when a quoted cell is never closed.
  static func reference(_ input: [UInt8]) -> [Record]? {
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    var text = input
    if text.last != lf { text.append(lf) }  // the reader ends a last line that has no line break
    var records: [Record] = []
    var line = 1
    var i = 0
    while i < text.count {
      if text[i] == lf {
        line += 1
        i += 1
        continue
      }
      if text[i] == cr, i + 1 < text.count, text[i + 1] == lf {
        line += 1
        i += 2
        continue
      }
      var record = Record(line: line, fields: [], raw: [])
      var breaks = 0
      while true {
        var field: [UInt8] = [], raw: [UInt8] = []
        if text[i] == quote {
          i += 1
          while true {
            guard i < text.count else { return nil }
            if text[i] == quote {
              if i + 1 < text.count, text[i + 1] == quote {
                field.append(quote)
                raw += [quote, quote]
                i += 2
                continue
              }
              i += 1
              break
            }
            if text[i] == lf { breaks += 1 }
            field.append(text[i])
            raw.append(text[i])
            i += 1
          }
          while text[i] != comma, text[i] != lf { i += 1 }  // text after the closing quote is dropped
        } else {
          while text[i] != comma, text[i] != lf {
            field.append(text[i])
            i += 1
          }
          if text[i] == lf, field.last == cr { field.removeLast() }
          raw = field
        }
        record.fields.append(field)
        record.raw.append(raw)
        i += 1
        if text[i - 1] == lf { break }
      }
      records.append(record)
      line += 1 + breaks
    }
    return records
  }

  /// The first cell of a record the hygiene check must name, and whether for bad UTF-8 (else a control byte).
  static func referenceProblem(_ record: Record) -> (column: Int, utf8: Bool)? {
    for (column, cell) in record.raw.enumerated() {
      if String(validating: cell, as: UTF8.self) == nil { return (column, true) }
      if cell.contains(where: CSVChunk.isForbiddenByte) { return (column, false) }
    }
    return nil
  }

  static func records(_ chunk: CSVChunk) -> [Record] {
    (0..<chunk.count).map { r in
      Record(line: chunk.lines[r], fields: (0..<chunk.fieldCount(r)).map { c in chunk.withField(r, c) { Array($0) } },
             raw: (0..<chunk.fieldCount(r)).map { Array(chunk.rawField(r, $0)) })
    }
  }

  /// A small deterministic generator, so a failure names an input that can be made again.
  struct Random {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
  }

  /// A cell as an export or a careless hand writes it: plain, empty, long, Chinese, quoted (with
  /// commas, line breaks, `""`, text after the closing quote), with a stray quote inside, a CR, bad
  /// bytes or control characters.
  static func cell(_ random: inout Random) -> [UInt8] {
    let plain = Array("P00000123".utf8), chinese = Array("线华琴".utf8)
    switch random.next(16) {
    case 0: return []
    case 1: return Array(repeating: UInt8(ascii: "x"), count: random.next(200))
    case 2: return chinese
    case 3: return Array("\"a,b\nc\"".utf8)
    case 4: return Array("\"say \"\"hi\"\"\"".utf8)
    case 5: return Array("\"closed\"junk".utf8)
    case 6: return Array("a\"b".utf8)
    case 7: return Array("x\r".utf8)
    case 8: return [0xFF, 0x41]
    case 9: return [0xC0, 0x80]
    case 10: return Array("a\u{0}b".utf8)
    case 11: return [0x7F]
    case 12: return Array("\t tab".utf8)
    case 13: return Array("\"\r\n\"".utf8)
    default: return Array(plain.prefix(random.next(plain.count + 1)))
    }
  }

  /// Records of mostly `width` cells, some short or long, with LF or CRLF ends and blank lines between.
  static func document(_ random: inout Random, records: Int) -> [UInt8] {
    var out: [UInt8] = []
    let width = 1 + random.next(12)
    for _ in 0..<records {
      if random.next(10) == 0 { out += random.next(2) == 0 ? [0x0A] : [0x0D, 0x0A] }
      let cells = random.next(6) == 0 ? 1 + random.next(2 * width) : width
      for c in 0..<cells {
        if c > 0 { out.append(UInt8(ascii: ",")) }
        out += cell(&random)
      }
      out += random.next(3) == 0 ? [0x0D, 0x0A] : [0x0A]
    }
    return out
  }

  @Test func aSlabSplitsAsTheByteByByteSplitterDoes() throws {
    var random = Random(state: 11)
    var slabs = 0, problems = 0
    for _ in 0..<3_000 {
      let bytes = Self.document(&random, records: 1 + random.next(40))
      let expected = try #require(Self.reference(bytes))
      let firstLine = 1 + random.next(1_000)
      let slab = CSVSlab(bytes: bytes, firstLine: firstLine, records: expected.count)
      let shifted = expected.map { Record(line: $0.line + firstLine - 1, fields: $0.fields, raw: $0.raw) }
      let chunk: CSVChunk
      do {
        chunk = try slab.parse()
      } catch {
        // Refused as GBK only when the bytes are not UTF-8 and every high byte pairs as GBK does.
        #expect(String(validating: bytes, as: UTF8.self) == nil && UTF8Check.looksLikeGBK(bytes), "\(error.text.en)")
        continue
      }
      slabs += 1
      #expect(Self.records(chunk) == shifted, "\(bytes)")
      for (r, record) in shifted.enumerated() {
        let want = Self.referenceProblem(record)
        let got = chunk.cellProblems[r]
        if want != nil { problems += 1 }
        #expect(got?.column == want?.column, "\(record)")
        if let got, let want { #expect(got.reason.en.hasPrefix(want.utf8 ? "is not UTF-8" : "holds the control character"), "\(got.reason)") }
      }
    }
    #expect(slabs > 1_500 && problems > 1_000, "the inputs reached both clean and problem cells")
  }

  /// Room is made from the first line's width; a slab whose later rows are wider (or whose first
  /// line is blank or a lone cell) is split again into room it cannot outgrow.
  @Test func raggedRowsWiderThanTheFirstLineAreAllKept() throws {
    for text in ["a\n" + String(repeating: "b,", count: 300) + "c\n", "\n\r\n1,2,3\n4,5,6,7,8\n", "x\n,,,,\n,\n"] {
      let bytes = Array(text.utf8)
      let expected = try #require(Self.reference(bytes))
      let chunk = try CSVSlab(bytes: bytes, firstLine: 1, records: expected.count).parse()
      #expect(Self.records(chunk) == expected, "\(text.debugDescription)")
    }
  }

  /// Cells of every length from every offset against the eight-byte words, each ending at a comma,
  /// at LF or at CRLF, with a quoted cell after each.
  @Test func everyCellLengthAtEveryOffset() throws {
    var text = ""
    for offset in 0..<9 {
      for length in 0..<20 {
        for end in ["\n", "\r\n"] {
          text += String(repeating: "o", count: offset) + "," + String(repeating: "a", count: length) + ",\"q,\"\"\"," + String(repeating: "z", count: length) + end
        }
      }
    }
    let bytes = Array(text.utf8)
    let expected = try #require(Self.reference(bytes))
    let chunk = try CSVSlab(bytes: bytes, firstLine: 1, records: expected.count).parse()
    #expect(Self.records(chunk) == expected)
  }

  /// Hostile bytes (no UTF-8 lead bytes, so never GBK) read through the reader in blocks of many
  /// sizes and chunks of many lengths: the same records as the reference, or an unclosed quote when
  /// the reference finds one.
  @Test func theReaderInBlocksOfAnySizeMatchesTheReference() throws {
    var random = Random(state: 5)
    let alphabet: [UInt8] = Array("ab,\"\n\r,,\"\n".utf8) + [0x00, 0x7F, 0xFF, 0x09]
    for round in 0..<1_500 {
      var bytes = Array("h1,h2\n".utf8)  // the first line break is a LF: never CR-only line ends
      if round % 3 == 0 {
        bytes += Self.document(&random, records: random.next(30)).filter { $0 < 0x80 || $0 == 0xFF }
      } else {
        for _ in 0..<random.next(120) { bytes.append(alphabet[random.next(alphabet.count)]) }
      }
      let expected = Self.reference(bytes)
      for blockSize in [1, 2, 3, 5, 8, 13, 64, 1 << 20] {
        let maxRecords = [1, 2, 3, 1_024][random.next(4)]
        let reader = CSVReader(bytes: bytes, blockSize: blockSize)
        var got: [Record] = []
        do {
          while let chunk = try reader.next(maxRecords: maxRecords) {
            #expect(chunk.count <= maxRecords)
            got += Self.records(chunk)
          }
        } catch let error as CSVReader.Failure {
          #expect(expected == nil && error.message.contains("never closed"), "\(bytes), block \(blockSize): \(error.text.en)")
          continue
        }
        #expect(got == expected, "\(bytes), block \(blockSize), chunks of \(maxRecords)")
        #expect(reader.bytesConsumed == bytes.count + (bytes.last == 0x0A ? 0 : 1), "\(bytes), block \(blockSize)")
      }
    }
  }

  /// A BOM is dropped from the first block; blocks too small to hold it leave it in the first cell,
  /// as before.
  @Test func aBOMIsDroppedFromTheFirstBlock() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a,b\r\n1,2\r\n".utf8)
    for blockSize in [3, 4, 1 << 20] {
      let chunk = try #require(try CSVReader(bytes: bytes, blockSize: blockSize).next(maxRecords: 10))
      #expect(Self.records(chunk) == Self.reference(Array(bytes.dropFirst(3))), "block \(blockSize)")
    }
  }

  /// Records longer than a block make the buffer grow; one longer than the limit is an error with its
  /// line, and an unclosed quote that long names where it opens.
  @Test func longRecordsGrowTheBufferUpToTheLimit() throws {
    let long = String(repeating: "x", count: 900_000)
    let text = Array("a,b\n1,\(long)\n2,\"\(long)\n\"\n3,z\n".utf8)
    for blockSize in [4_096, 1 << 20] {
      var got: [Record] = []
      let reader = CSVReader(bytes: text, blockSize: blockSize)
      while let chunk = try reader.next(maxRecords: 2) { got += Self.records(chunk) }
      #expect(got == Self.reference(text), "block \(blockSize)")
      #expect(got.map(\.line) == [1, 2, 3, 5])
    }
    let tooLong = Array("a,b\n1,2\n3,\(String(repeating: "y", count: CSVReader.maximumRecordBytes + 100_000))\n".utf8)
    do {
      let reader = CSVReader(bytes: tooLong, blockSize: 65_536)
      while try reader.next(maxRecords: 5) != nil {}
      Issue.record("a record longer than the limit was read")
    } catch let error as CSVReader.Failure {
      #expect(error.text.en.hasPrefix("line 3: a record is longer than"), "\(error.text.en)")
    }
    let open = Array("a,b\n1,\"\(String(repeating: "y", count: CSVReader.maximumRecordBytes + 100_000))\n".utf8)
    do {
      let reader = CSVReader(bytes: open, blockSize: 65_536)
      while try reader.next(maxRecords: 5) != nil {}
      Issue.record("an unclosed quote longer than the limit was read")
    } catch let error as CSVReader.Failure {
      #expect(error.text.en.hasPrefix("line 2, column 3: this quoted cell is never closed"), "\(error.text.en)")
    }
  }

  /// A file is read with read(2) into the reader's own buffer: the same records as from memory, and a
  /// path that opens but cannot be read (a folder) is an error naming it, not a crash.
  @Test func aFileReadsAsItsBytesAndAFolderIsAnError() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("csv-split-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var random = Random(state: 9)
    let bytes = Self.document(&random, records: 5_000).filter { $0 < 0x80 }
    let file = dir.appendingPathComponent("d.csv")
    try Data(bytes).write(to: file)
    let reader = try CSVReader(path: file.path)
    #expect(reader.fileSize == bytes.count)
    var got: [Record] = []
    while let chunk = try reader.next(maxRecords: 1_024) { got += Self.records(chunk) }
    #expect(got == Self.reference(bytes))

    let folder = dir.appendingPathComponent("folder.csv")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    do {
      _ = try CSVReader(path: folder.path).next(maxRecords: 1)
      Issue.record("a folder read as a file")
    } catch let failure as CSVReader.Failure {
      #expect(failure.text.en == "cannot read `\(folder.path)`: Is a directory", "\(failure.text.en)")
    }
    do {
      _ = try CSVReader(path: dir.appendingPathComponent("missing.csv").path)
      Issue.record("a missing file opened")
    } catch let failure as CSVReader.Failure {
      #expect(failure.text.en.hasPrefix("cannot open"), "\(failure.text.en)")
    }
  }
}
