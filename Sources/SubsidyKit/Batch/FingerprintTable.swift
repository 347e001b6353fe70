/// A map from 64-bit fingerprints to small integers, for the batch's registries of what spans rows
/// (dispatch ids, ID numbers): every row of the file passes through them on the one merging thread.
///
/// The keys are already FNV-1a fingerprints, so a `Dictionary` hashing them again with SipHash paid
/// for nothing: here a key is mixed with one multiplication and probed linearly in a power-of-two
/// array of 16-byte entries (the memory the budget accounts with `MemoryBudget.hashEntry`).
/// Insert-only (the registries never forget), so no tombstones.
///
/// The slots are split into `shardCount` shards, chosen by the key's top bits, each doubling on its
/// own: one array doubling held the old array and the new one, three times the table, at once, so a
/// 16 MB table jumped the run's memory pool by 32 MB and spilled itself, where a shard's doubling
/// is a sixty-fourth of that and the pool can send what is cheapest to disk instead.
struct FingerprintTable<Value: FixedWidthInteger> {
  private struct Shard {
    var keys = [UInt64](repeating: 0, count: 16)
    var values = [Value](repeating: 0, count: 16)
    var count = 0
  }

  private var shards = [Shard](repeating: Shard(), count: FingerprintTableShards.count)
  /// Key 0 marks an empty slot; a real fingerprint of 0 is kept aside.
  private var zero: Value?
  private(set) var count = 0

  init() {}

  subscript(key: UInt64) -> Value? {
    if key == 0 { return zero }
    let (s, h) = Self.place(key)
    return shards[s].keys.withUnsafeBufferPointer { keys in
      let mask = keys.count - 1
      var slot = Int(truncatingIfNeeded: h) & mask
      while true {
        let k = keys[slot]
        if k == key { return shards[s].values[slot] }
        if k == 0 { return nil }
        slot = (slot + 1) & mask
      }
    }
  }

  /// Reads the first slot each key would probe, and returns them folded together: asked for a chunk's
  /// keys before they are looked up (`IdentityRegistry.warm`), so their cache misses overlap instead
  /// of coming one at a time. The keys are put in order of their shard first, then each shard's are
  /// read inside one `withUnsafeBufferPointer` of its slots: reading an array held in an array, key
  /// by key, retained it, and each retain's atomic operation waited for the reads before it.
  func touch(_ keys: UnsafeBufferPointer<UInt64>) -> UInt64 {
    // Counting sort by shard: each key's slot bits, grouped by its shard.
    var starts = [Int](repeating: 0, count: shards.count + 1)
    for key in keys where key != 0 { starts[Self.place(key).shard + 1] += 1 }
    for s in shards.indices { starts[s + 1] += starts[s] }
    var next = starts
    var bits = [UInt64](repeating: 0, count: starts[shards.count])
    for key in keys where key != 0 {
      let (s, h) = Self.place(key)
      bits[next[s]] = h
      next[s] += 1
    }
    var seen: UInt64 = 0
    for s in shards.indices where starts[s] < starts[s + 1] {
      seen ^= shards[s].keys.withUnsafeBufferPointer { slots in
        var seen: UInt64 = 0
        let mask = slots.count - 1
        for i in starts[s]..<starts[s + 1] { seen ^= slots[Int(truncatingIfNeeded: bits[i]) & mask] }
        return seen
      }
    }
    return seen
  }

  /// The value already held for `key`, or nil after storing `value` for it.
  mutating func insertIfAbsent(_ key: UInt64, _ value: Value) -> Value? {
    if key == 0 {
      if let zero { return zero }
      zero = value
      count += 1
      return nil
    }
    let (s, h) = Self.place(key)
    if (shards[s].count + 1) * 4 > shards[s].keys.count * 3 { grow(s) }
    let mask = shards[s].keys.count - 1
    var slot = Int(truncatingIfNeeded: h) & mask
    while true {
      let k = shards[s].keys[slot]
      if k == key { return shards[s].values[slot] }
      if k == 0 { break }
      slot = (slot + 1) & mask
    }
    shards[s].keys[slot] = key
    shards[s].values[slot] = value
    shards[s].count += 1
    count += 1
    return nil
  }

  /// What its arrays take now, in bytes (0 while empty: an empty table's slots are not worth a report).
  var allocatedBytes: Int {
    count == 0 ? 0 : shards.reduce(0) { $0 + $1.keys.count } * (MemoryLayout<UInt64>.stride + MemoryLayout<Value>.stride)
  }

  /// What inserting `key` would add for a moment if its shard doubles (the old arrays and the new ones,
  /// twice their size, held at once): 0 when it does not.
  func growth(inserting key: UInt64) -> Int {
    guard key != 0 else { return 0 }
    let s = Self.place(key).shard
    guard (shards[s].count + 1) * 4 > shards[s].keys.count * 3 else { return 0 }
    return 2 * shards[s].keys.count * (MemoryLayout<UInt64>.stride + MemoryLayout<Value>.stride)
  }

  /// Every entry, in no particular order.
  func forEach(_ body: (UInt64, Value) throws -> Void) rethrows {
    if let zero { try body(0, zero) }
    for shard in shards {
      for i in shard.keys.indices where shard.keys[i] != 0 { try body(shard.keys[i], shard.values[i]) }
    }
  }

  /// Every entry in ascending key order (for writing the table to disk as a sorted run): a shard
  /// holds one range of keys, so each is sorted on its own, in a copy of a sixty-fourth of the table.
  func forEachInKeyOrder(_ body: (UInt64, Value) throws -> Void) rethrows {
    if let zero { try body(0, zero) }
    var entries: [(key: UInt64, value: Value)] = []
    for shard in shards {
      entries.removeAll(keepingCapacity: true)
      for i in shard.keys.indices where shard.keys[i] != 0 { entries.append((shard.keys[i], shard.values[i])) }
      entries.sort { $0.key < $1.key }
      for entry in entries { try body(entry.key, entry.value) }
    }
  }

  /// Fingerprints are unkeyed (FNV-1a), so a hostile file could choose ids whose fingerprints share a
  /// slot; a per-process seed in the mix makes that guesswork, as SipHash's seed did.
  private static var seed: UInt64 { FingerprintSeed.value }

  /// The key's shard and the mixed bits its slot is taken from.
  ///
  /// The shard is the key's own top bits, so the shards hold ascending ranges of keys and the table
  /// is written out sorted a shard at a time (`forEachInKeyOrder`). The keys are FNV-1a hashes, even
  /// in their top bits; ids made to share those bits only load one shard more (it grows): within a
  /// shard the slot comes from the seeded mix.
  @inline(__always)
  private static func place(_ key: UInt64) -> (shard: Int, bits: UInt64) {
    // One full-width multiplication: every bit of the key reaches the bits the slot is taken from.
    let m = (key ^ seed).multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
    return (Int(truncatingIfNeeded: key >> (64 - FingerprintTableShards.bits)), m.high ^ m.low)
  }

  private mutating func grow(_ s: Int) {
    let old = shards[s]
    var keys = [UInt64](repeating: 0, count: old.keys.count * 2)
    var values = [Value](repeating: 0, count: old.keys.count * 2)
    let mask = keys.count - 1
    for i in old.keys.indices where old.keys[i] != 0 {
      var slot = Int(truncatingIfNeeded: Self.place(old.keys[i]).bits) & mask
      while keys[slot] != 0 { slot = (slot + 1) & mask }
      keys[slot] = old.keys[i]
      values[slot] = old.values[i]
    }
    shards[s] = Shard(keys: keys, values: values, count: old.count)
  }
}

/// How many shards a `FingerprintTable` has (a static stored property cannot live in a generic type).
private enum FingerprintTableShards {
  static let bits = 6
  static let count = 1 << bits
}

/// The seed of every `FingerprintTable` (a static stored property cannot live in a generic type).
private enum FingerprintSeed {
  static let value = UInt64.random(in: 1...UInt64.max)
}
