import Foundation

/// One non-blank line of a JSON Lines file: its text, or why its bytes are not text.
package struct JSONLine: Sendable {
  package var line: Int
  /// Nil when the line is not valid UTF-8; `problem` then says where.
  package var text: String?
  package var problem: UTF8Check.Problem?
}

/// Reads a JSON Lines file in chunks of whole lines (blank lines skipped), each with its line number.
///
/// Each line's bytes are checked as UTF-8 before they become a `String`: decoding would silently turn
/// a bad byte into U+FFFD, so two different ids could become one. A line that is not UTF-8 is
/// handed on with its column, to be rejected; a file that reads as GBK is refused whole.
package final class LineReader {
  private let handle: FileHandle
  private var pending: [UInt8] = []
  /// Where unread bytes start in `pending`; the consumed prefix is dropped once per read block,
  /// not once per line (that was quadratic in the block's size).
  private var offset = 0
  private var eof = false
  private var line = 0
  package private(set) var bytesConsumed = 0
  package let fileSize: Int?
  let path: String

  package init(path: String) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw CSVReader.Failure.cannotOpen(path, errno: errno) }
    self.handle = handle
    self.path = path
    fileSize = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue
  }

  deinit { try? handle.close() }

  package func next(maxLines: Int) throws -> [JSONLine]? {
    var out: [JSONLine] = []
    while out.count < maxLines {
      if let newline = pending[offset...].firstIndex(of: UInt8(ascii: "\n")) {
        line += 1
        var bytes = pending[offset..<newline]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        bytesConsumed += newline + 1 - offset
        offset = newline + 1
        if bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
          out.append(try decode(bytes))
        }
        continue
      }
      if eof {
        if offset < pending.count {
          pending.append(UInt8(ascii: "\n"))
          continue
        }
        break
      }
      pending.removeFirst(offset)
      offset = 0
      let data = handle.readData(ofLength: 1 << 20)
      if data.isEmpty {
        eof = true
      } else {
        let first = pending.isEmpty && bytesConsumed == 0
        pending.append(contentsOf: data)
        if first, let what = BinaryFormat.named(pending) { throw BinaryFormat.failure(what, expected: "JSON Lines") }
        if first, let count = LineEnds.crOnly(pending) { throw CSVReader.Failure.crOnlyLineEnds(count) }
      }
    }
    return out.isEmpty ? nil : out
  }

  /// The line as text, or its first bad byte; a line that reads as GBK stops the file.
  private func decode(_ bytes: ArraySlice<UInt8>) throws -> JSONLine {
    if let text = String(validating: bytes, as: UTF8.self) { return JSONLine(line: line, text: text) }
    var problem = UTF8Check.firstProblem(in: bytes) ?? UTF8Check.Problem(line: 1, column: 1, byte: 0)
    problem.line = line
    if UTF8Check.looksLikeGBK(bytes) {
      throw CSVReader.Failure.gbk(line: line, column: problem.column, byte: problem.byte)
    }
    return JSONLine(line: line, problem: problem)
  }
}
