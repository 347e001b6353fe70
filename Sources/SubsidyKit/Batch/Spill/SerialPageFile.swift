/// One page of `SerialValues` (a number key or a first line for each of 65,536 serials): in memory,
/// or written out at `offset` of its `SerialPageFile`, or neither (no page: nothing held there).
struct SerialPage {
  var memory: [UInt32]?
  var offset = -1

  var exists: Bool { memory != nil || offset >= 0 }
}

/// Where `SerialValues` writes its pages when the pool needs their memory: each page appended whole
/// to one spill file (a sequential write), then read and written 4 bytes at a time (one `pread` a
/// lookup: a person who comes back to a page written out, or a conflict's message, costs a read and
/// no memory), or read whole when its family closes.
///
/// The file is made the first time a page is written, and holds each page written until the run
/// ends (a closed family's pages are not reused): at most the pages the families ever held.
final class SerialPageFile {
  private let makeFile: () throws -> SpillFile
  private var file: SpillFile?
  private var end = 0
  /// Pages written, and slots read and written on disk, for tests and the debug line.
  private(set) var pages = 0
  private(set) var reads = 0
  private(set) var writes = 0

  static var pageBytes: Int { SerialValues.pageSize * 4 }

  init(makeFile: @escaping () throws -> SpillFile) {
    self.makeFile = makeFile
  }

  /// Writes a page at the end of the file; the offset it is at.
  func append(_ values: [UInt32]) throws -> Int {
    let file = try self.file ?? makeFile()
    self.file = file
    let offset = end
    try values.withUnsafeBytes { try file.write($0, at: offset) }
    end += Self.pageBytes
    pages += 1
    return offset
  }

  /// Slot `index` of the page at `offset`.
  func value(page offset: Int, _ index: Int) throws -> UInt32 {
    guard let file else { preconditionFailure("a page read before any was written") }
    var value: UInt32 = 0
    try withUnsafeMutableBytes(of: &value) { try file.read(into: $0, at: offset + index * 4) }
    reads += 1
    return value
  }

  /// Sets slot `index` of the page at `offset`.
  func set(_ value: UInt32, page offset: Int, _ index: Int) throws {
    guard let file else { preconditionFailure("a page written to before any was written out") }
    try withUnsafeBytes(of: value) { try file.write($0, at: offset + index * 4) }
    writes += 1
  }

  /// The whole page at `offset`.
  func page(at offset: Int) throws -> [UInt32] {
    guard let file else { preconditionFailure("a page read before any was written") }
    var values = [UInt32](repeating: 0, count: SerialValues.pageSize)
    try values.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
    return values
  }

  /// Drops every page (the file is closed, so the system frees it).
  func removeAll() {
    file = nil
    end = 0
  }
}
