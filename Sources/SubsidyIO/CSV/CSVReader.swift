import Foundation
import PolicySupport

/// Streams a CSV file (RFC 4180: quotes, `""`, CRLF, a UTF-8 BOM) in chunks of whole records.
///
/// Memory holds one read block and the chunk being cut, whatever the file's size.
public final class CSVReader {
  /// Why the file cannot be cut into records, and where: a line (0 when the file cannot be opened)
  /// and a column in characters. English and Chinese, written together.
  public struct Failure: LocalizedFailure {
    public var line: Int
    public var column: Int?
    public var message: String
    /// The same message in Chinese.
    public var messageZh: String
    public init(line: Int, column: Int? = nil, message: String, zh: String) {
      self.line = line
      self.column = column
      self.message = message
      self.messageZh = ChinesePhrase.tidy(zh)
    }

    /// `line 3, column 9: …` / `第 3 行第 9 列：…`.
    public var text: LocalizedText {
      guard line > 0 else { return LocalizedText(message, zh: messageZh) }
      return LocalizedText("line \(line)\(column.map { ", column \($0)" } ?? ""): \(message)",
                           zh: "第 \(line) 行\(column.map { "第 \($0) 列" } ?? "")：\(messageZh)")
    }

    /// The same with the file it is in: `x.csv: line 3, column 9: …` / `` `x.csv` 第 3 行第 9 列：… ``
    /// (a file that cannot be opened is named by the message itself).
    public func text(file: String) -> LocalizedText {
      let place = text
      guard line > 0 else { return place }
      return LocalizedText("\(file): \(place.en)", zh: "`\(file)` \(place.zh)")
    }

    /// A file that cannot be opened for reading, with the system's reason.
    static func cannotOpen(_ path: String, errno code: Int32) -> Failure {
      let reason = code == 0 ? nil : SystemError.text(errno: code)
      return Failure(line: 0, message: "cannot open `\(path)`" + (reason.map { ": \($0.en)" } ?? ""),
                     zh: "无法打开 `\(path)`" + (reason.map { "：\($0.zh)" } ?? ""))
    }

    /// Lines that end in CR alone: the whole file would read as one line.
    static func crOnlyLineEnds(_ count: Int) -> Failure {
      Failure(line: 1, message: "lines end in a carriage return (CR) alone, as classic Mac OS and some exports write them "
                + "(\(count) such line ends before the first line feed), so the whole file reads as one line; "
                + "save it with Windows (CRLF) or Unix (LF) line ends",
              zh: "各行只以回车符（CR）结尾（旧版苹果系统和某些导出程序这样保存；第一个换行符之前有 \(count) 个），"
                + "整个文件会被读成一行；请改用 Windows（CRLF）或 Unix（LF）换行符另存")
    }

    /// A byte that is not UTF-8 in a file that reads as GBK.
    static func gbk(line: Int, column: Int, byte: UInt8) -> Failure {
      let hex = "0x" + String(byte, radix: 16, uppercase: true)
      return Failure(line: line, column: column, message: "byte \(hex) is not UTF-8: \(UTF8Check.saveAsUTF8Hint(gbk: true))",
                     zh: "字节 \(hex) 不是 UTF-8：\(UTF8Check.saveAsUTF8HintZh(gbk: true))")
    }
  }

  /// Reads at most the given number of bytes; empty at the end. A file, bytes in memory, or a stream
  /// (which throws when it breaks off, so a cut-off upload is an error, not a shorter file).
  private let read: (Int) throws -> Data
  private let close: () -> Void
  /// How much is read at a time (a test or fuzz target makes it small to cut records at block ends).
  private let blockSize: Int
  private var pending: [UInt8] = []
  /// Where unread bytes start in `pending`; the consumed prefix is dropped only when it is large.
  private var offset = 0
  private var eof = false
  /// The file's last record had no line break and one was added: a record still incomplete after that
  /// is an unclosed quote, not a reason to read on (there is nothing left to read).
  private var terminated = false
  /// Where the quote of a cell still open when the buffer ran out began, in `pending`.
  private var openQuote: Int?
  private var atStart = true
  private var line = 1
  public private(set) var bytesConsumed = 0
  public let fileSize: Int?
  /// What one read asks for. The buffer holds at most about two blocks (what is not yet cut into
  /// chunks, and the block just read): 1 MB keeps it a small part of a run's memory (4 MB blocks made
  /// it a sixth of a 1M-row run's heap at its peak) and is still a few system calls a second.
  public static let blockSize = 1 << 20
  /// A field longer than this is a broken quote, not data: stop instead of reading the whole file into it.
  static let maximumRecordBytes = 1 << 20

  public init(path: String) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.cannotOpen(path, errno: errno) }
    read = { handle.readData(ofLength: $0) }
    close = { try? handle.close() }
    blockSize = Self.blockSize
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    fileSize = (attributes?[.size] as? NSNumber)?.intValue
  }

  /// Reads `bytes` as if they were a file, `blockSize` bytes at a time: for tests and the fuzz
  /// targets (`Fuzz/`), which then need no file per input. As with a file, the BOM and CR-only
  /// line ends are looked for in the first block only.
  public init(bytes: [UInt8], blockSize: Int = CSVReader.blockSize) {
    let data = Data(bytes)
    var position = 0
    read = { count in
      let end = min(data.count, position + count)
      defer { position = end }
      return data.subdata(in: position..<end)
    }
    close = {}
    self.blockSize = max(1, blockSize)
    fileSize = bytes.count
  }

  /// Reads what `read` hands over, as if it were a file: a request body the server receives while the
  /// batch runs (`POST /v1/batch`). `read(n)` may block until `n` bytes are there; it returns fewer
  /// only at the end, and throws when the stream broke off.
  public init(reading read: @escaping (Int) throws -> Data, blockSize: Int = CSVReader.blockSize) {
    self.read = read
    close = {}
    self.blockSize = max(1, blockSize)
    fileSize = nil
  }

  deinit { close() }

  private func fill() throws {
    guard !eof else { return }
    let data = try read(blockSize)
    if data.isEmpty {
      eof = true
      return
    }
    pending.append(contentsOf: data)
    if atStart {
      atStart = false
      if pending.starts(with: [0xEF, 0xBB, 0xBF]) {
        pending.removeFirst(3)
        bytesConsumed += 3
      }
      if let lineEnds = LineEnds.crOnly(pending) { throw Failure.crOnlyLineEnds(lineEnds) }
    }
  }

  /// The next chunk of at most `maxRecords` records, or nil at the end of the file. Blank lines are skipped.
  public func next(maxRecords: Int) throws -> CSVChunk? { try nextSlab(maxRecords: maxRecords)?.parse() }

  /// The bytes of the next at most `maxRecords` whole records (blank lines skipped), not yet split into
  /// fields: the batch's reading thread only finds where records end, and a worker splits them
  /// (`CSVSlab.parse`), so the one thread every chunk passes through does the least work.
  public func nextSlab(maxRecords: Int) throws -> CSVSlab? {
    let firstLine = line
    var records = 0
    if offset > blockSize {
      pending.removeFirst(offset)
      offset = 0
    }
    var position = offset
    if pending.count == offset { try fill() }
    while records < maxRecords {
      openQuote = nil
      let outcome = pending.withUnsafeBufferPointer { findRecordEnd($0, from: position) }
      switch outcome {
      case .record(let end, let newlines):
        position = end
        records += 1
        line += 1 + newlines
        continue
      case .blank(let end):
        position = end
        line += 1
        continue
      case .needMore:
        break
      }
      if eof {
        if position < pending.count {
          // A last record without a line break gets one; still incomplete after that, a quote is open.
          guard !terminated else { throw unclosedQuote(recordStart: position) }
          terminated = true
          pending.append(UInt8(ascii: "\n"))
          continue
        }
        break
      }
      if pending.count - position > Self.maximumRecordBytes {
        if openQuote != nil { throw unclosedQuote(recordStart: position) }
        throw Failure(line: line, message: "a record is longer than \(Self.maximumRecordBytes) bytes",
                      zh: "一条记录超过 \(Self.maximumRecordBytes) 字节")
      }
      try fill()
    }
    guard records > 0 || position > offset else { return nil }
    let slab = CSVSlab(bytes: Array(pending[offset..<position]), firstLine: firstLine, records: records)
    bytesConsumed += position - offset
    offset = position
    if records == 0 { return try nextSlab(maxRecords: maxRecords) }
    return slab
  }

  enum Outcome { case record(end: Int, newlines: Int), blank(Int), needMore }

  /// Where the open quote is, as a line and column (in characters) a person can go to.
  private func unclosedQuote(recordStart: Int) -> Failure {
    let quote = openQuote ?? recordStart
    var quoteLine = line, lineStart = recordStart
    for i in recordStart..<quote where pending[i] == UInt8(ascii: "\n") {
      quoteLine += 1
      lineStart = i + 1
    }
    let column = 1 + pending[lineStart..<quote].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    return Failure(line: quoteLine, column: column,
                   message: "this quoted cell is never closed: the file ends inside it (add the closing `\"`, or remove the opening one)",
                   zh: "这个带引号的单元格没有闭合：文件在它里面结束（请补上结尾的 `\"`，或删去开头的那个）")
  }

  /// Where the record at `start` ends (just past its line break) and how many line breaks its quoted
  /// cells hold, or `needMore` when the buffer ends first. The same grammar as `CSVChunk.parseRecord`,
  /// without storing fields. A line with no quote at all (nearly every line of an export) is found
  /// by `memchr` alone.
  private func findRecordEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Outcome {
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    let n = b.count
    guard start < n, let base = b.baseAddress else { return .needMore }
    if b[start] == newline || (b[start] == cr && start + 1 < n && b[start + 1] == newline) {
      return .blank(b[start] == cr ? start + 2 : start + 1)
    }
    if let found = memchr(base + start, Int32(newline), n - start) {
      let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
      if memchr(base + start, Int32(quote), end - start) == nil { return .record(end: end + 1, newlines: 0) }
    }
    // Quotes: a cell that starts with one runs to its closing quote, line breaks and commas included.
    var p = start
    var newlines = 0
    while true {
      guard p < n else { return .needMore }
      if b[p] == quote {
        openQuote = p
        p += 1
        while true {
          guard p < n else { return .needMore }
          if b[p] == quote {
            if p + 1 < n, b[p + 1] == quote {
              p += 2
              continue
            }
            if p + 1 >= n { return .needMore }
            openQuote = nil
            break
          }
          if b[p] == newline { newlines += 1 }
          p += 1
        }
        p += 1
      }
      while p < n, b[p] != comma, b[p] != newline { p += 1 }
      guard p < n else { return .needMore }
      if b[p] == comma {
        p += 1
        continue
      }
      return .record(end: p + 1, newlines: newlines)
    }
  }
}
