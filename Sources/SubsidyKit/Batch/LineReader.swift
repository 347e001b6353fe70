import Foundation

/// Reads a JSON Lines file in chunks of whole lines (blank lines skipped), each with its line number.
final class LineReader {
  private let handle: FileHandle
  private var pending: [UInt8] = []
  private var eof = false
  private var line = 0
  private(set) var bytesConsumed = 0
  let fileSize: Int?

  init(path: String) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw CSVReader.Failure(line: 0, message: "cannot open `\(path)`") }
    self.handle = handle
    fileSize = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue
  }

  deinit { try? handle.close() }

  func next(maxLines: Int) -> [(line: Int, text: String)]? {
    var out: [(Int, String)] = []
    while out.count < maxLines {
      if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        line += 1
        var bytes = pending[..<newline]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        bytesConsumed += newline + 1
        if bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
          out.append((line, String(decoding: bytes, as: UTF8.self)))
        }
        pending.removeFirst(newline + 1)
        continue
      }
      if eof {
        if !pending.isEmpty {
          pending.append(UInt8(ascii: "\n"))
          continue
        }
        break
      }
      let data = handle.readData(ofLength: 1 << 20)
      if data.isEmpty { eof = true } else { pending.append(contentsOf: data) }
    }
    return out.isEmpty ? nil : out
  }
}
