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

    /// A failure to read the file once it is open (a folder, a disk error), with the system's reason.
    static func cannotRead(_ path: String, errno code: Int32) -> Failure {
      let reason = SystemError.text(errno: code)
      return Failure(line: 0, message: "cannot read `\(path)`: \(reason.en)", zh: "无法读取 `\(path)`：\(reason.zh)")
    }

    /// A byte that is not UTF-8 in a file that reads as GBK.
    static func gbk(line: Int, column: Int, byte: UInt8) -> Failure {
      let hex = "0x" + String(byte, radix: 16, uppercase: true)
      return Failure(line: line, column: column, message: "byte \(hex) is not UTF-8: \(UTF8Check.saveAsUTF8Hint(gbk: true))",
                     zh: "字节 \(hex) 不是 UTF-8：\(UTF8Check.saveAsUTF8HintZh(gbk: true))")
    }
  }

  /// Copies at most the buffer's size of the next bytes into it and says how many; 0 at the end. A
  /// file (read(2) straight into the reader's buffer), bytes in memory, or a stream (which throws
  /// when it breaks off, so a cut-off upload is an error, not a shorter file).
  private let read: (UnsafeMutableRawBufferPointer) throws -> Int
  private let close: () -> Void
  /// How much is read at a time (a test or fuzz target makes it small to cut records at block ends).
  private let blockSize: Int
  /// The bytes read and not yet handed out in a slab, from `offset` to `count`: one buffer made
  /// when the reader is, filled by each read in place and reused (no allocation or copy per block);
  /// it grows only for a record longer than what it holds.
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var count = 0
  /// Where unread bytes start in `buffer`; the consumed prefix is moved out only when a read needs room.
  private var offset = 0
  private var eof = false
  /// The file's last record had no line break and one was added: a record still incomplete after that
  /// is an unclosed quote, not a reason to read on (there is nothing left to read).
  private var terminated = false
  /// Where the quote of a cell still open when the buffer ran out began, in `buffer`.
  private var openQuote: Int?
  private var atStart = true
  private var line = 1
  public private(set) var bytesConsumed = 0
  public let fileSize: Int?
  /// What one read asks for. The buffer holds three blocks (what is not yet cut into chunks, and the
  /// blocks read after it): 1 MB keeps it a small part of a run's memory (4 MB blocks made it a sixth
  /// of a 1M-row run's heap at its peak) and is still a few system calls a second.
  public static let blockSize = 1 << 20
  /// A field longer than this is a broken quote, not data: stop instead of reading the whole file into it.
  static let maximumRecordBytes = 1 << 20

  public init(path: String) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Failure.cannotOpen(path, errno: errno) }
    read = { into in
      var done = 0
      // A regular file gives a whole block at once; a pipe may give less, so read on until the block
      // is full or the input ends (the first block is where the BOM and CR-only line ends are looked for).
      while done < into.count {
        let got = systemRead(fd, into.baseAddress! + done, into.count - done)
        if got < 0 {
          if errno == EINTR { continue }
          throw Failure.cannotRead(path, errno: errno)
        }
        if got == 0 { break }
        done += got
      }
      return done
    }
    close = { systemClose(fd) }
    blockSize = Self.blockSize
    var info = stat()
    fileSize = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : nil
    (buffer, capacity) = Self.makeBuffer(blockSize: blockSize)
  }

  /// Reads `bytes` as if they were a file, `blockSize` bytes at a time: for tests and the fuzz
  /// targets (`Fuzz/`), which then need no file per input. As with a file, the BOM and CR-only
  /// line ends are looked for in the first block only.
  public init(bytes: [UInt8], blockSize: Int = CSVReader.blockSize) {
    var position = 0
    read = { into in
      let n = min(into.count, bytes.count - position)
      guard n > 0 else { return 0 }
      bytes.withUnsafeBytes { into.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
      position += n
      return n
    }
    close = {}
    self.blockSize = max(1, blockSize)
    fileSize = bytes.count
    (buffer, capacity) = Self.makeBuffer(blockSize: self.blockSize)
  }

  /// Reads what `read` hands over, as if it were a file: a request body the server receives while the
  /// batch runs (`POST /v1/batch`). `read(n)` may block until `n` bytes are there; it returns fewer
  /// only at the end (never more), and throws when the stream broke off.
  public init(reading read: @escaping (Int) throws -> Data, blockSize: Int = CSVReader.blockSize) {
    self.read = { into in
      let data = try read(into.count)
      precondition(data.count <= into.count, "a stream handed the CSV reader more bytes than it asked for")
      data.copyBytes(to: into.baseAddress!.assumingMemoryBound(to: UInt8.self), count: data.count)
      return data.count
    }
    close = {}
    self.blockSize = max(1, blockSize)
    fileSize = nil
    (buffer, capacity) = Self.makeBuffer(blockSize: self.blockSize)
  }

  deinit {
    close()
    buffer.deallocate()
  }

  private static func makeBuffer(blockSize: Int) -> (UnsafeMutablePointer<UInt8>, Int) {
    let capacity = 3 * blockSize
    return (UnsafeMutablePointer<UInt8>.allocate(capacity: capacity), capacity)
  }

  /// The bytes held, as indices from the buffer's start.
  private var held: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: buffer, count: count) }

  /// Makes room for `bytes` more after `count`: first by moving out what earlier slabs consumed
  /// (returned, so that positions the caller holds can move with it), then by a larger buffer.
  private func makeRoom(_ bytes: Int) -> Int {
    var moved = 0
    if capacity - count < bytes, offset > 0 {
      moved = offset
      (buffer + 0).update(from: buffer + offset, count: count - offset)
      count -= offset
      offset = 0
    }
    if capacity - count < bytes {
      let larger = max(2 * capacity, count + bytes)
      let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
      grown.initialize(from: buffer, count: count)
      buffer.deallocate()
      buffer = grown
      capacity = larger
    }
    return moved
  }

  /// Reads the next block into the buffer's room after `count`; returns how far the held bytes moved
  /// toward the buffer's start to make that room.
  private func fill() throws -> Int {
    guard !eof else { return 0 }
    let moved = makeRoom(blockSize)
    let got = try read(UnsafeMutableRawBufferPointer(start: buffer + count, count: blockSize))
    if got == 0 {
      eof = true
      return moved
    }
    count += got
    if atStart {
      atStart = false
      if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
        (buffer + 0).update(from: buffer + 3, count: count - 3)
        count -= 3
        bytesConsumed += 3
      }
      if let what = BinaryFormat.named(UnsafeBufferPointer(start: buffer, count: min(count, 4096))) {
        throw BinaryFormat.failure(what, expected: "CSV")
      }
      if let lineEnds = LineEnds.crOnly(Array(held)) { throw Failure.crOnlyLineEnds(lineEnds) }
    }
    return moved
  }

  /// The next chunk of at most `maxRecords` records, or nil at the end of the file. Blank lines are skipped.
  public func next(maxRecords: Int) throws -> CSVChunk? { try nextSlab(maxRecords: maxRecords)?.parse() }

  /// The bytes of the next at most `maxRecords` whole records (blank lines skipped), not yet split into
  /// fields: the batch's reading thread only finds where records end, and a worker splits them
  /// (`CSVSlab.parse`), so the one thread every chunk passes through does the least work.
  public func nextSlab(maxRecords: Int) throws -> CSVSlab? {
    let firstLine = line
    var records = 0
    var position = offset
    if count == offset { position -= try fill() }
    while records < maxRecords {
      openQuote = nil
      switch findRecordEnd(held, from: position) {
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
        if position < count {
          // A last record without a line break gets one; still incomplete after that, a quote is open.
          guard !terminated else { throw unclosedQuote(recordStart: position) }
          terminated = true
          position -= makeRoom(1)
          buffer[count] = UInt8(ascii: "\n")
          count += 1
          continue
        }
        break
      }
      if count - position > Self.maximumRecordBytes {
        if openQuote != nil { throw unclosedQuote(recordStart: position) }
        throw Failure(line: line, message: "a record is longer than \(Self.maximumRecordBytes) bytes",
                      zh: "一条记录超过 \(Self.maximumRecordBytes) 字节")
      }
      position -= try fill()
    }
    guard records > 0 || position > offset else { return nil }
    let slab = CSVSlab(bytes: Array(UnsafeBufferPointer(start: buffer + offset, count: position - offset)),
                       firstLine: firstLine, records: records)
    bytesConsumed += position - offset
    offset = position
    if records == 0 { return try nextSlab(maxRecords: maxRecords) }
    return slab
  }

  enum Outcome { case record(end: Int, newlines: Int), blank(Int), needMore }

  /// Where the open quote is, as a line and column (in characters) a person can go to.
  private func unclosedQuote(recordStart: Int) -> Failure {
    let quote = openQuote ?? recordStart
    let b = held
    var quoteLine = line, lineStart = recordStart
    for i in recordStart..<quote where b[i] == UInt8(ascii: "\n") {
      quoteLine += 1
      lineStart = i + 1
    }
    let column = 1 + b[lineStart..<quote].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    return Failure(line: quoteLine, column: column,
                   message: "this quoted cell is never closed: the file ends inside it (add the closing `\"`, or remove the opening one)",
                   zh: "这个带引号的单元格没有闭合：文件在它里面结束（请补上结尾的 `\"`，或删去开头的那个）")
  }

  /// Where the record at `start` ends (just past its line break) and how many line breaks its quoted
  /// cells hold, or `needMore` when the buffer ends first. The same grammar as `CSVSlab.splitRecords`,
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

/// read(2) and close(2), named apart from the reader's members of the same names.
private func systemRead(_ fd: Int32, _ into: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, into, count) }
private func systemClose(_ fd: Int32) { _ = close(fd) }
