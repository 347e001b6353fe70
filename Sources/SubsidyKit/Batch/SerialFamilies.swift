/// Which family an id's serial is of (`IDSerial`: its prefix and width, and the entity kind it names),
/// for the registries that hold ids by serial (`DispatchSerialRanges`, `SerialValues`): families are
/// numbered in the order they are first seen, so a registry keeps its state for each in an array.
///
/// Families are compared byte for byte, as the fingerprints compare ids (`String`'s `==` deems
/// canonically equivalent text equal: `é` and `e` + U+0301 would be one family, and two ids one). At
/// most `limit` are made: ids that end in digits but share no prefix (UUIDs, hashes) would make a
/// family each, and a registry's families are never dropped, so an id refused a family is refused
/// every time and is held by fingerprint. The family of the last id is remembered (a file has one or
/// a few), told by one word for a short prefix (`IDSerial.familyWord`), so a row costs a comparison.
struct SerialFamilies {
  struct Key: Hashable {
    var kind: Int
    var prefix: String
    var width: Int

    static func == (a: Self, b: Self) -> Bool { a.kind == b.kind && a.width == b.width && IDSerial.sameBytes(a.prefix, b.prefix) }

    func hash(into hasher: inout Hasher) {
      hasher.combine(kind)
      hasher.combine(width)
      for byte in prefix.utf8 { hasher.combine(byte) }
    }
  }

  let limit: Int
  /// Each family's key, by number.
  private(set) var keys: [Key] = []
  private var index: [Key: Int] = [:]
  private var last: (key: Key, word: UInt64?, family: Int)?

  init(limit: Int) {
    self.limit = limit
  }

  var count: Int { keys.count }

  /// Whether a family not seen yet would be made.
  var hasRoom: Bool { keys.count < limit }

  /// The family of `serial` when it is the last one found, else nil; changes nothing (for warming a
  /// lookup: `SerialValues.touch`).
  func lastFamily(kind: Int, _ serial: IDSerial) -> Int? {
    guard let last, last.key.kind == kind, let word = serial.familyWord, word == last.word else { return nil }
    return last.family
  }

  /// The number of the family of `serial` (an id of entity kind `kind`); a new family is numbered
  /// `count` when `make` and there is room, else nil.
  mutating func find(kind: Int = 0, _ serial: IDSerial, make: Bool) -> Int? {
    if let last, last.key.kind == kind {
      if let word = serial.familyWord {
        if word == last.word { return last.family }
      } else if last.word == nil, last.key.width == serial.width, IDSerial.sameBytes(last.key.prefix, serial.prefix) {
        return last.family
      }
    }
    let key = Key(kind: kind, prefix: serial.prefix, width: serial.width)
    let f: Int
    if let known = index[key] {
      f = known
    } else {
      guard make, hasRoom else { return nil }
      f = keys.count
      keys.append(key)
      index[key] = f
    }
    last = (key, serial.familyWord, f)
    return f
  }
}
