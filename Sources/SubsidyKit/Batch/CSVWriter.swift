import Foundation

/// Buffered CSV output (RFC 4180 quoting) to a file or stdout.
public struct CSVWriter {
  private let handle: FileHandle
  private var buffer: [UInt8] = []
  private let flushAt = 1 << 20

  public init(handle: FileHandle, excelBOM: Bool) {
    self.handle = handle
    buffer.reserveCapacity(flushAt + 4096)
    if excelBOM { buffer += [0xEF, 0xBB, 0xBF] }
  }

  /// Opens (truncating) `path`, or stdout when nil.
  public static func open(_ path: String?, excelBOM: Bool) throws -> CSVWriter {
    guard let path else { return CSVWriter(handle: .standardOutput, excelBOM: excelBOM) }
    guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
      throw CSVReader.Failure(line: 0, message: "cannot write `\(path)`")
    }
    return CSVWriter(handle: handle, excelBOM: excelBOM)
  }

  public mutating func row(_ fields: [String]) {
    for (i, field) in fields.enumerated() {
      if i > 0 { buffer.append(UInt8(ascii: ",")) }
      let utf8 = field.utf8
      if utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
        buffer.append(UInt8(ascii: "\""))
        for byte in utf8 {
          if byte == UInt8(ascii: "\"") { buffer.append(byte) }
          buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
      } else {
        buffer.append(contentsOf: utf8)
      }
    }
    buffer.append(UInt8(ascii: "\n"))
    if buffer.count >= flushAt { flush() }
  }

  public mutating func flush() {
    guard !buffer.isEmpty else { return }
    handle.write(Data(buffer))
    buffer.removeAll(keepingCapacity: true)
  }

  public mutating func close() {
    flush()
    if handle !== FileHandle.standardOutput { try? handle.close() }
  }
}
