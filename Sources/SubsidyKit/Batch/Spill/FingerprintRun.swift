/// One sorted run of a `FingerprintRuns` on disk: its entries in ascending key order, written once,
/// sequentially, and never changed; read one 4 KB block at a time.
///
/// The file is a row of blocks of `entriesPerBlock` entries (the last one shorter), block `b` at
/// `b × blockBytes`, each its keys (8 bytes each, ascending) then their values. In memory the run
/// keeps only its filter and the first key of each block (its sparse index): a lookup of a key it
/// does not hold mostly stops at the filter, and one it holds costs one `pread` and a binary search.
final class FingerprintRun<Value: FixedWidthInteger> {
  let file: SpillFile
  let count: Int
  private let filter: BlockedBloomFilter
  /// The first key of every block.
  private let firstKeys: [UInt64]

  static var entryBytes: Int { 8 + MemoryLayout<Value>.size }
  static var entriesPerBlock: Int { FingerprintBlock.bytes / entryBytes }
  static var blockBytes: Int { entriesPerBlock * entryBytes }

  fileprivate init(file: SpillFile, count: Int, filter: BlockedBloomFilter, firstKeys: [UInt64]) {
    self.file = file
    self.count = count
    self.filter = filter
    self.firstKeys = firstKeys
  }

  /// What the run holds in memory: the filter and the sparse index.
  var memoryBytes: Int { filter.bytes + firstKeys.count * 8 }

  var blockCount: Int { firstKeys.count }

  /// Entries in block `b`.
  func entries(inBlock b: Int) -> Int { min(Self.entriesPerBlock, count - b * Self.entriesPerBlock) }

  /// Reads the filter's block of each key (see `FingerprintTable.touch`).
  func touch(_ keys: UnsafeBufferPointer<UInt64>) -> UInt64 { filter.touch(keys) }

  /// The value held for `key`, reading at most one block (into `block`, which keeps it for the next
  /// lookup: the registries look a key up and then record it).
  func value(for key: UInt64, using block: FingerprintBlock) throws -> Value? {
    guard filter.mayContain(key) else { return nil }
    // The last block whose first key is at most `key`.
    var low = 0, high = firstKeys.count
    while low < high {
      let middle = (low + high) / 2
      if firstKeys[middle] <= key { low = middle + 1 } else { high = middle }
    }
    guard low > 0 else { return nil }
    let b = low - 1, n = entries(inBlock: b)
    let bytes = try block.load(b, of: self, count: n * Self.entryBytes)
    low = 0
    high = n
    while low < high {
      let middle = (low + high) / 2
      let k = bytes.loadUnaligned(fromByteOffset: middle * 8, as: UInt64.self)
      if k == key { return bytes.loadUnaligned(fromByteOffset: n * 8 + middle * MemoryLayout<Value>.size, as: Value.self) }
      if k < key { low = middle + 1 } else { high = middle }
    }
    return nil
  }
}

/// The one block a `FingerprintRuns` has read last, kept for the next lookup, and the buffer blocks
/// are read into.
final class FingerprintBlock {
  /// A block's size on disk at most: one page.
  static let bytes = 4_096
  private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FingerprintBlock.bytes, alignment: 64)
  /// The run and block the buffer holds (the run kept alive, so its identity cannot be reused).
  private var run: AnyObject?
  private var index = -1
  /// Blocks read from disk so far (lookups and merges), for tests and the debug line.
  private(set) var reads = 0

  deinit { buffer.deallocate() }

  /// Block `b` of `run`, `count` bytes, read unless it is the one held.
  func load<Value>(_ b: Int, of run: FingerprintRun<Value>, count: Int) throws -> UnsafeRawBufferPointer {
    let bytes = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
    if self.run !== run || index != b {
      self.run = nil
      try run.file.read(into: bytes, at: b * FingerprintRun<Value>.blockBytes)
      reads += 1
      self.run = run
      index = b
    }
    return UnsafeRawBufferPointer(bytes)
  }

  /// Lets go of the block held (its run is being dropped).
  func forget() {
    run = nil
    index = -1
  }
}

/// Writes a run sequentially from entries given in ascending key order, building its filter and
/// sparse index as it goes; 64 KB a write.
struct FingerprintRunWriter<Value: FixedWidthInteger> {
  private let file: SpillFile
  private let filter: BlockedBloomFilter
  private var firstKeys: [UInt64] = []
  private var keys: [UInt64] = []
  private var values: [Value] = []
  private var pending: [UInt8] = []
  private var written = 0
  private var count = 0

  /// A writer of a run of `keys` entries at most (the filter's size) into `file`.
  init(file: SpillFile, keys: Int) {
    self.file = file
    filter = BlockedBloomFilter(keys: keys)
    self.keys.reserveCapacity(FingerprintRun<Value>.entriesPerBlock)
    values.reserveCapacity(FingerprintRun<Value>.entriesPerBlock)
    pending.reserveCapacity(16 * FingerprintBlock.bytes)
  }

  /// Adds an entry; its key is above every key added before.
  mutating func append(_ key: UInt64, _ value: Value) throws {
    if keys.isEmpty { firstKeys.append(key) }
    keys.append(key)
    values.append(value)
    filter.insert(key)
    count += 1
    if keys.count == FingerprintRun<Value>.entriesPerBlock { try endBlock() }
  }

  /// Writes what is left; the run, ready to be read.
  mutating func finish() throws -> FingerprintRun<Value> {
    if !keys.isEmpty { try endBlock() }
    try flush()
    return FingerprintRun(file: file, count: count, filter: filter, firstKeys: firstKeys)
  }

  private mutating func endBlock() throws {
    keys.withUnsafeBytes { pending.append(contentsOf: $0) }
    values.withUnsafeBytes { pending.append(contentsOf: $0) }
    keys.removeAll(keepingCapacity: true)
    values.removeAll(keepingCapacity: true)
    if pending.count >= 15 * FingerprintBlock.bytes { try flush() }
  }

  private mutating func flush() throws {
    try pending.withUnsafeBytes { try file.write($0, at: written) }
    written += pending.count
    pending.removeAll(keepingCapacity: true)
  }
}

/// Reads a run's entries in order, a block at a time, for a merge.
struct FingerprintRunCursor<Value: FixedWidthInteger> {
  let run: FingerprintRun<Value>
  private var block = -1
  private var keys: [UInt64] = []
  private var values: [Value] = []
  private var position = 0
  /// The entry under the cursor; nil past the end.
  private(set) var key: UInt64?
  private(set) var value: Value = 0

  init(_ run: FingerprintRun<Value>, buffer: FingerprintBlock) throws {
    self.run = run
    try advance(buffer: buffer)
  }

  /// Moves to the next entry.
  mutating func advance(buffer: FingerprintBlock) throws {
    position += 1
    if position >= keys.count {
      block += 1
      guard block < run.blockCount else {
        key = nil
        return
      }
      let n = run.entries(inBlock: block)
      let bytes = try buffer.load(block, of: run, count: n * FingerprintRun<Value>.entryBytes)
      keys = (0..<n).map { bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
      values = (0..<n).map { bytes.loadUnaligned(fromByteOffset: n * 8 + $0 * MemoryLayout<Value>.size, as: Value.self) }
      position = 0
    }
    key = keys[position]
    value = values[position]
  }
}
