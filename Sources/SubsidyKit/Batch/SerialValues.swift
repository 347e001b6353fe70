/// A value per id for ids that end in a serial number (`IDSerial`), held in pages indexed by serial,
/// per family: the ID-number registry's number and first line of each person.
///
/// An export numbers its people as they are first registered, so a family's serials are dense: a
/// page of 65,536 values is filled by as many people, and a lookup is an index, where a table of
/// fingerprints took a probe of a 16 MB table and, past the run's memory budget, a run on disk for
/// every person who comes back (a tenth of a 1M-row run's CPU time).
///
/// A family too sparse to be worth its pages (fewer than one value in eight slots, past four pages)
/// is closed: its values are handed over to be held as fingerprints (`IdentityRegistry`), and its
/// later ids are held there too. So is every family when the run's pool needs the memory (`close`).
/// Each id is held in one place only, pages or fingerprints, and asked in that place. Families are
/// compared byte for byte, as the fingerprints compare ids, and there are at most `maxFamilies` of
/// them (a family may cost a page): ids that end in digits but share no prefix go to the fingerprints.
struct SerialValues {
  static let pageBits = 16
  static let pageSize = 1 << pageBits
  /// The most families held (each may cost a page): past this, a new family's ids go to the fingerprints.
  static let maxFamilies = 64

  private struct Family {
    /// Per page (serial >> `pageBits`, from `basePage` on), its values; 0 is "none" (a value is never 0:
    /// see `IdentityRegistry`). Serials often start far from 0 (`P2024000001`): the table starts at the
    /// first one's page.
    var pages: [[UInt64]?] = []
    var basePage = 0
    var pageCount = 0
    var count = 0
    var closed = false
  }

  /// Each family's pages, by its number in `numbering`.
  private var families: [Family] = []
  private var numbering = SerialFamilies(limit: SerialValues.maxFamilies)

  /// The pages' memory, in bytes.
  private(set) var memoryBytes = 0

  /// Values held, for the debug line.
  var count: Int { families.reduce(0) { $0 + $1.count } }

  enum Lookup {
    case value(UInt64)
    case absent
    /// The family is closed: ask the fingerprints.
    case notHeld
  }

  /// The value held for `serial` of an id of entity kind `kind`.
  mutating func value(kind: Int, _ serial: IDSerial) -> Lookup {
    // An unknown family is not made by a lookup: it holds nothing, and `store` makes it if it may.
    guard let f = family(kind, serial, make: false) else { return numbering.hasRoom ? .absent : .notHeld }
    if families[f].closed { return .notHeld }
    let page = Int(truncatingIfNeeded: serial.number >> UInt64(Self.pageBits)) - families[f].basePage
    guard page >= 0, page < families[f].pages.count, let values = families[f].pages[page] else { return .absent }
    let value = values[Int(truncatingIfNeeded: serial.number) & (Self.pageSize - 1)]
    return value == 0 ? .absent : .value(value)
  }

  /// Reads the slots `value(kind:_:)` would read for these serials of one family, and returns them
  /// folded together (see `FingerprintTable.touch`): the family of the last id found (`serials` are
  /// all of it, or this reads nothing), a page at a time. Changes nothing.
  func touch(kind: Int, family serial: IDSerial, numbers: UnsafeBufferPointer<UInt64>) -> UInt64 {
    guard let f = numbering.lastFamily(kind: kind, serial), !families[f].closed else { return 0 }
    var seen: UInt64 = 0
    var i = 0
    while i < numbers.count {
      // The run of numbers on one page, read through the page's own buffer.
      let absolute = Int(truncatingIfNeeded: numbers[i] >> UInt64(Self.pageBits))
      var end = i + 1
      while end < numbers.count, Int(truncatingIfNeeded: numbers[end] >> UInt64(Self.pageBits)) == absolute { end += 1 }
      let page = absolute - families[f].basePage
      if page >= 0, page < families[f].pages.count, let values = families[f].pages[page] {
        values.withUnsafeBufferPointer { values in
          for k in i..<end { seen ^= values[Int(truncatingIfNeeded: numbers[k]) & (Self.pageSize - 1)] }
        }
      }
      i = end
    }
    return seen
  }

  enum Stored {
    case stored
    /// Not stored: the family is closed, and the fingerprints hold its ids.
    case notHeld
    /// Not stored: the family must close now (`close(familyOf:kind:into:)` hands its values over), and
    /// the fingerprints hold its ids from then on.
    case closing
  }

  /// Stores `value` (not 0) for `serial`, which `value(kind:_:)` has just answered `.absent` for, unless
  /// its family is closed, or must close now (`.closing`).
  mutating func store(kind: Int, _ serial: IDSerial, _ value: UInt64) -> Stored {
    guard let f = family(kind, serial, make: true) else { return .notHeld }
    if families[f].closed { return .notHeld }
    let absolute = Int(truncatingIfNeeded: serial.number >> UInt64(Self.pageBits))
    if families[f].pages.isEmpty { families[f].basePage = absolute }
    var page = absolute - families[f].basePage
    if page < 0 || page >= families[f].pages.count || families[f].pages[page] == nil {
      // A new page: worth it only while the family fills its pages, and its table of pages spans
      // no more than eight times the pages it holds (ids that are 18-digit numbers span the 10¹⁸).
      let pages = families[f].pageCount + 1
      let span = page < 0 ? families[f].pages.count - page : max(families[f].pages.count, page + 1)
      if (pages > 4 && pages * Self.pageSize > 8 * (families[f].count + 1)) || span > max(64, 8 * pages) {
        return .closing
      }
      if page < 0 {
        families[f].pages.insert(contentsOf: repeatElement(nil, count: -page), at: 0)
        families[f].basePage = absolute
        page = 0
      } else if page >= families[f].pages.count {
        families[f].pages.append(contentsOf: repeatElement(nil, count: page + 1 - families[f].pages.count))
      }
      families[f].pages[page] = [UInt64](repeating: 0, count: Self.pageSize)
      families[f].pageCount += 1
      memoryBytes += Self.pageSize * 8
    }
    families[f].pages[page]![Int(truncatingIfNeeded: serial.number) & (Self.pageSize - 1)] = value
    families[f].count += 1
    return .stored
  }

  /// Closes every family (the pool needs the memory): their values handed to `body`, as `store` does.
  mutating func closeAll(into body: (_ fingerprint: UInt64, _ value: UInt64) throws -> Void) rethrows {
    for f in families.indices where !families[f].closed { try close(f, into: body) }
  }

  /// Forgets everything.
  mutating func removeAll() {
    self = SerialValues()
  }

  /// Closes the family of `serial` (after `.closing`), its values handed to `body` as `closeAll` does.
  mutating func close(familyOf serial: IDSerial, kind: Int, into body: (_ fingerprint: UInt64, _ value: UInt64) throws -> Void) rethrows {
    guard let f = family(kind, serial, make: false), !families[f].closed else { return }
    try close(f, into: body)
  }

  private mutating func close(_ f: Int, into body: (_ fingerprint: UInt64, _ value: UInt64) throws -> Void) rethrows {
    let key = numbering.keys[f]
    let fingerprints = IDSerial.Fingerprints(prefix: key.prefix, width: key.width, seed: UInt64(truncatingIfNeeded: key.kind))
    // Closed first: a failure part way (a spill file that cannot be written) leaves the values not yet
    // handed over unreadable, and the run ends with that failure.
    families[f].closed = true
    for p in families[f].pages.indices {
      guard let page = families[f].pages[p] else { continue }
      families[f].pages[p] = nil
      memoryBytes -= Self.pageSize * 8
      let first = UInt64(p + families[f].basePage) << UInt64(Self.pageBits)
      for (i, value) in page.enumerated() where value != 0 {
        try body(fingerprints.of(first | UInt64(i)), value)
      }
    }
    families[f].pages = []
    families[f].pageCount = 0
    families[f].count = 0
  }

  private mutating func family(_ kind: Int, _ serial: IDSerial, make: Bool) -> Int? {
    guard let f = numbering.find(kind: kind, serial, make: make) else { return nil }
    if f == families.count { families.append(Family()) }
    return f
  }
}
