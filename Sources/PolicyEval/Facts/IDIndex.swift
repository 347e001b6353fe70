import Foundation

/// A table's ids → record positions, looked up by the id's UTF-8 bytes.
///
/// The batch decoder looks up every role of every row (a dispatch, its person, household, organiser
/// and employer) straight from the CSV cell's bytes: a `[String: Int]` would need a `String` made
/// and hashed with SipHash for each, which was a third of decoding. Here a cell already in the
/// table costs one hash of its bytes and one comparison; a `String` is made only for a new record.
///
/// Open addressing with linear probing over a power-of-two slot array; keys are kept in one byte
/// arena. The hash is seeded per process, so a hostile file cannot choose ids that all collide.
/// Removal (a batch row taken back) leaves a tombstone, dropped at the next growth.
public struct IDIndex: Sendable {
  /// Per slot: the entry it holds, `empty` or `removed`.
  private var slots: [Int32]
  /// Per entry, its key's hash, where its bytes are in `arena`, and its position: one list, so an
  /// insert appends to one array and a lookup reads one place (four lists cost four appends, each
  /// with its copy-on-write check).
  private var entries: [Entry] = []
  private var arena: [UInt8] = []

  private struct Entry {
    var hash: UInt64
    var keyStart: Int32
    var keyLength: Int32
    var position: Int
  }
  /// Entries live, and slots holding an entry or a tombstone (what probing must walk past).
  public private(set) var count = 0
  private var used = 0

  private static let empty: Int32 = -1
  private static let removed: Int32 = -2
  /// One random seed per process: hashes differ between runs, results never do (entries keep their
  /// own order; nothing iterates the slots).
  private static let seed = UInt64.random(in: 1...UInt64.max)

  public init() { slots = [Int32](repeating: Self.empty, count: 8) }

  /// Room for `n` ids without growing.
  public mutating func reserveCapacity(_ n: Int) {
    let needed = Self.slotCount(for: n)
    if needed > slots.count { rehash(slots: needed) }
    entries.reserveCapacity(n)
    arena.reserveCapacity(n * 16)
  }

  /// The position stored for `id`; setting nil removes it.
  public subscript(id: String) -> Int? {
    get {
      var id = id
      return id.withUTF8 { find($0) }
    }
    set {
      var id = id
      id.withUTF8 { bytes in
        if let newValue {
          let (entry, _) = findOrInsert(bytes, position: newValue)
          entries[entry].position = newValue
        } else {
          remove(bytes)
        }
      }
    }
  }

  /// The position stored for these bytes, or nil.
  @inline(__always)
  public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
    let hash = Self.hash(key)
    var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
    while true {
      let entry = slots[slot]
      if entry == Self.empty { return nil }
      if entry >= 0, matches(Int(entry), key, hash) { return entries[Int(entry)].position }
      slot = (slot + 1) & (slots.count - 1)
    }
  }

  /// The position already stored for these bytes (`inserted` false), or `position`, now stored.
  @inline(__always)
  public mutating func insertIfAbsent(_ key: UnsafeBufferPointer<UInt8>, position: Int) -> (position: Int, inserted: Bool) {
    let (entry, inserted) = findOrInsert(key, position: position)
    return (entries[entry].position, inserted)
  }

  private mutating func findOrInsert(_ key: UnsafeBufferPointer<UInt8>, position: Int) -> (entry: Int, inserted: Bool) {
    if (used + 1) * 4 > slots.count * 3 { rehash(slots: Self.slotCount(for: count + 1)) }
    let hash = Self.hash(key)
    var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
    var firstRemoved: Int?
    while true {
      let entry = slots[slot]
      if entry == Self.empty { break }
      if entry == Self.removed {
        if firstRemoved == nil { firstRemoved = slot }
      } else if matches(Int(entry), key, hash) {
        return (Int(entry), false)
      }
      slot = (slot + 1) & (slots.count - 1)
    }
    let entry = entries.count
    entries.append(Entry(hash: hash, keyStart: Int32(truncatingIfNeeded: arena.count), keyLength: Int32(truncatingIfNeeded: key.count), position: position))
    arena.append(contentsOf: key)
    if let firstRemoved {
      slots[firstRemoved] = Int32(truncatingIfNeeded: entry)
    } else {
      slots[slot] = Int32(truncatingIfNeeded: entry)
      used += 1
    }
    count += 1
    return (entry, true)
  }

  private mutating func remove(_ key: UnsafeBufferPointer<UInt8>) {
    let hash = Self.hash(key)
    var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
    while true {
      let entry = slots[slot]
      if entry == Self.empty { return }
      if entry >= 0, matches(Int(entry), key, hash) {
        slots[slot] = Self.removed
        count -= 1
        return
      }
      slot = (slot + 1) & (slots.count - 1)
    }
  }

  @inline(__always)
  private func matches(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>, _ hash: UInt64) -> Bool {
    let e = entries[entry]
    guard e.hash == hash, Int(e.keyLength) == key.count else { return false }
    guard key.count > 0, let base = key.baseAddress else { return true }
    return arena.withUnsafeBufferPointer { Self.equal($0.baseAddress! + Int(e.keyStart), base, key.count) }
  }

  /// Byte equality, 8 bytes at a time: ids are short, and a call to `memcmp` cost more than comparing.
  @inline(__always)
  private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var i = 0
    if n >= 8 {
      while i + 8 < n {
        if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
      }
      // The last 8 bytes, overlapping those compared (no byte loop for a 9-byte id).
      return ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
    while i < n {
      if a[i] != b[i] { return false }
      i += 1
    }
    return true
  }

  /// Rebuilds the slots (dropping tombstones) with `count` slots.
  private mutating func rehash(slots newCount: Int) {
    var fresh = [Int32](repeating: Self.empty, count: newCount)
    for slot in slots where slot >= 0 {
      var s = Int(truncatingIfNeeded: entries[Int(slot)].hash) & (newCount - 1)
      while fresh[s] != Self.empty { s = (s + 1) & (newCount - 1) }
      fresh[s] = slot
    }
    slots = fresh
    used = count
  }

  /// Slots for `n` entries at a load of at most three quarters.
  private static func slotCount(for n: Int) -> Int {
    var size = 8
    while size * 3 < n * 4 + 4 { size <<= 1 }
    return size
  }

  /// A seeded multiply-mix of the key's length and its bytes read as at most two words (ids are short
  /// ASCII: `D00000123`, `O533123-11`): a key of 8 to 16 bytes is its first and last 8 bytes (they
  /// overlap), one of 4 to 7 its first and last 4, a shorter one its first, middle and last byte, as
  /// wyhash reads short keys; a longer key mixes each 8 bytes before its last 8. No loop over bytes
  /// for the ids a batch has: the byte loop of the tail was a third of hashing a 9-byte id. Much
  /// cheaper than SipHash, and with the per-process seed an input cannot be built to collide.
  @inline(__always)
  static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let n = key.count
    var h = seed ^ (UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
    guard n > 0, let base = key.baseAddress else { return mix(h) }
    let raw = UnsafeRawPointer(base)
    let first: UInt64, last: UInt64
    if n >= 8 {
      var i = 0
      while i + 16 < n {
        h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        i += 8
      }
      first = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      last = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    } else if n >= 4 {
      first = UInt64(raw.loadUnaligned(as: UInt32.self))
      last = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
    } else {
      first = UInt64(base[0]) << 16 | UInt64(base[n >> 1]) << 8 | UInt64(base[n - 1])
      last = 0
    }
    return mix(mix(h ^ first) ^ last)
  }

  @inline(__always)
  private static func mix(_ x: UInt64) -> UInt64 {
    let m = x.multipliedFullWidth(by: 0xA076_1D64_78BD_642F)
    return m.high ^ m.low
  }
}
