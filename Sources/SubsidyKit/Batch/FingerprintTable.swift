/// A map from 64-bit fingerprints to small integers, for the batch's registries of what spans rows
/// (dispatch ids, ID numbers): every row of the file passes through them on the one merging thread.
///
/// The keys are already FNV-1a fingerprints, so a `Dictionary` hashing them again with SipHash paid
/// for nothing: here a key is mixed with one multiplication and probed linearly in a power-of-two
/// array of 16-byte entries (the memory the budget accounts with `MemoryBudget.hashEntry`).
/// Insert-only (the registries never forget), so no tombstones.
struct FingerprintTable<Value: FixedWidthInteger> {
  private var keys: [UInt64]
  private var values: [Value]
  /// Key 0 marks an empty slot; a real fingerprint of 0 is kept aside.
  private var zero: Value?
  private(set) var count = 0

  init() {
    keys = [UInt64](repeating: 0, count: 16)
    values = [Value](repeating: 0, count: 16)
  }

  subscript(key: UInt64) -> Value? {
    if key == 0 { return zero }
    let mask = keys.count - 1
    var slot = Self.slot(key, mask)
    while true {
      let k = keys[slot]
      if k == key { return values[slot] }
      if k == 0 { return nil }
      slot = (slot + 1) & mask
    }
  }

  /// The value already held for `key`, or nil after storing `value` for it.
  mutating func insertIfAbsent(_ key: UInt64, _ value: Value) -> Value? {
    if key == 0 {
      if let zero { return zero }
      zero = value
      count += 1
      return nil
    }
    if (count + 1) * 4 > keys.count * 3 { grow() }
    let mask = keys.count - 1
    var slot = Self.slot(key, mask)
    while true {
      let k = keys[slot]
      if k == key { return values[slot] }
      if k == 0 { break }
      slot = (slot + 1) & mask
    }
    keys[slot] = key
    values[slot] = value
    count += 1
    return nil
  }

  /// What its arrays take now, in bytes (0 while empty: an empty table's 16 slots are not worth a report).
  var allocatedBytes: Int { count == 0 ? 0 : keys.count * (MemoryLayout<UInt64>.stride + MemoryLayout<Value>.stride) }

  /// Whether one more key makes the arrays double: while they do, the old arrays and the new ones,
  /// twice their size, are held at once (three times `allocatedBytes`).
  var growsOnNextInsert: Bool { (count + 1) * 4 > keys.count * 3 }

  /// Every entry, in no particular order (for moving the table to disk).
  func forEach(_ body: (UInt64, Value) throws -> Void) rethrows {
    if let zero { try body(0, zero) }
    for i in keys.indices where keys[i] != 0 { try body(keys[i], values[i]) }
  }

  /// Fingerprints are unkeyed (FNV-1a), so a hostile file could choose ids whose fingerprints share a
  /// slot; a per-process seed in the mix makes that guesswork, as SipHash's seed did.
  private static var seed: UInt64 { FingerprintSeed.value }

  @inline(__always)
  private static func slot(_ key: UInt64, _ mask: Int) -> Int {
    // One full-width multiplication: every bit of the key reaches the bits the slot is taken from.
    let m = (key ^ seed).multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
    return Int(truncatingIfNeeded: m.high ^ m.low) & mask
  }

  private mutating func grow() {
    let oldKeys = keys, oldValues = values
    keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
    values = [Value](repeating: 0, count: oldKeys.count * 2)
    let mask = keys.count - 1
    for i in oldKeys.indices where oldKeys[i] != 0 {
      var slot = Self.slot(oldKeys[i], mask)
      while keys[slot] != 0 { slot = (slot + 1) & mask }
      keys[slot] = oldKeys[i]
      values[slot] = oldValues[i]
    }
  }
}

/// The seed of every `FingerprintTable` (a static stored property cannot live in a generic type).
private enum FingerprintSeed {
  static let value = UInt64.random(in: 1...UInt64.max)
}
