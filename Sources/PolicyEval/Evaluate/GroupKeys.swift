/// The keys of a table's groups in the form they are found by: each key's identity text
/// (`ValueText.identity` of the canonical key) as bytes, all of them one after another in one array,
/// each hashed once, and an open-addressing table of their places.
///
/// A batch looks a key up for every member of every group rule, and again for every group of every
/// chunk when the chunks' tables are merged. With a `[String: Int]` each lookup made the key's text
/// a `String` (an allocation past 15 bytes, as `s9:H00001234n20230000;` is) and hashed it with
/// SipHash; here the member's key is written into a reused buffer, hashed as 8-byte words, and a
/// merge reuses the hash and the bytes the chunk's table already holds: nothing is made or hashed again.
///
/// Keys are always compared byte for byte, so a collision of hashes costs a probe, never a wrong group.
struct GroupKeys: Sendable {
  /// The keys' identity bytes, one after another.
  private(set) var bytes: [UInt8] = []
  /// Where each key ends in `bytes` (it starts where the one before it ends).
  private(set) var ends: [Int] = []
  /// Each key's hash (`hash(_:)`).
  private(set) var hashes: [UInt64] = []
  /// The `encode` text of the keys whose identity text differs from it (a string that is not ASCII:
  /// its identity is its NFC form, while the key keeps the characters as given), by place.
  private(set) var texts: [Int: String] = [:]
  /// Open addressing, linear probing: a key's place + 1, 0 for an empty entry. Its size is a power of
  /// two, at most half full.
  private var table: [Int32] = []

  var count: Int { ends.count }

  /// The bytes of key `place` in `bytes`.
  func range(_ place: Int) -> Range<Int> { (place == 0 ? 0 : ends[place - 1])..<ends[place] }

  /// The identity text of key `place`.
  func identity(_ place: Int) -> String { String(decoding: bytes[range(place)], as: UTF8.self) }

  /// The key's text as its first member gave it (`ValueText.encode`), to be decoded.
  func text(_ place: Int) -> String { ownText(place) ?? identity(place) }

  /// The key's `encode` text when it is not its identity text (looked up only when there are such
  /// keys: a lookup in an empty dictionary still hashes).
  func ownText(_ place: Int) -> String? { texts.isEmpty ? nil : texts[place] }

  /// The hash of a key's bytes: the id index's (`IDIndex.hash`, seeded once per process), so every
  /// table of a run hashes alike and a merge can reuse a chunk's hashes.
  @inline(__always)
  static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 { IDIndex.hash(key) }

  /// The place of the key with these bytes and hash, or nil.
  func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
    guard !table.isEmpty else { return nil }
    let mask = table.count - 1
    var at = Int(truncatingIfNeeded: hash) & mask
    return bytes.withUnsafeBufferPointer { stored in
      while true {
        let entry = Int(table[at])
        if entry == 0 { return nil }
        let place = entry - 1
        if hashes[place] == hash {
          let r = range(place)
          if r.count == key.count, r.count == 0 || Self.equal(stored.baseAddress! + r.lowerBound, key.baseAddress, r.count) { return place }
        }
        at = (at + 1) & mask
      }
    }
  }

  /// Byte equality, 8 bytes at a time (keys are short: a call to `memcmp` costs more).
  @inline(__always)
  private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
    guard n > 0, let b else { return true }
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var i = 0
    while i + 8 <= n {
      if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
      i += 8
    }
    while i < n {
      if a[i] != b[i] { return false }
      i += 1
    }
    return true
  }

  /// Adds a key not yet held (`find` gave nil); returns its place. `text`: its `encode` text when that
  /// differs from its identity.
  @discardableResult
  mutating func append(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, text: String?) -> Int {
    let place = ends.count
    bytes.append(contentsOf: key)
    ends.append(bytes.count)
    hashes.append(hash)
    if let text { texts[place] = text }
    if 2 * (place + 1) > table.count {
      grow()
    } else {
      insert(place)
    }
    return place
  }

  /// Room for `n` keys of `bytes` bytes in all without growing.
  mutating func reserveCapacity(keys n: Int, bytes total: Int) {
    bytes.reserveCapacity(total)
    ends.reserveCapacity(n)
    hashes.reserveCapacity(n)
  }

  private mutating func insert(_ place: Int) {
    let mask = table.count - 1
    var at = Int(truncatingIfNeeded: hashes[place]) & mask
    while table[at] != 0 { at = (at + 1) & mask }
    table[at] = Int32(place + 1)
  }

  /// Doubles the table (from 16) and places every key again, by its stored hash.
  private mutating func grow() {
    table = [Int32](repeating: 0, count: max(16, table.count * 2))
    for place in 0..<ends.count { insert(place) }
  }

  /// What the keys cost in memory: their bytes, ends, hashes and table entries, and the texts kept
  /// for keys whose text is not their identity (a string and a dictionary entry each).
  var estimatedBytes: Int { bytes.count + 16 * ends.count + 4 * table.count + texts.values.reduce(0) { $0 + Self.textBytes($1) } }

  /// What one key of `length` bytes adds, roughly (its table entries at the load of a table that has
  /// just doubled), with its own text when it keeps one.
  static func estimatedBytes(length: Int, text: String? = nil) -> Int { length + 16 + 16 + (text.map(textBytes) ?? 0) }

  /// A kept text: its storage and its entry in `texts`.
  private static func textBytes(_ text: String) -> Int { 48 + text.utf8.count }
}
