/// A person's number and first line per id for ids that end in a serial number (`IDSerial`), held in
/// pages indexed by serial, per family: the ID-number registry's people.
///
/// An export numbers its people as they are first registered, so a family's serials are dense: a
/// page of 65,536 slots is filled by as many people, and a lookup is an index, where a table of
/// fingerprints took a probe of a 16 MB table and, past the run's memory budget, a run on disk for
/// every person who comes back (a tenth of a 1M-row run's CPU time).
///
/// The two halves of a person are kept apart, in pages of 4 bytes a slot: the number key (the upper
/// 32 bits of the number's fingerprint), which every person who comes back is checked against, and
/// the first line, read only to word a conflict's message and when a family closes. When the pool
/// needs memory, pages are written out to disk (`SerialPageFile`), the lines first, all but the
/// `hotPages` newest: people come back mostly some rows after they were first met, so their pages are
/// the newest, and one who comes back to a page on disk costs one read of 4 bytes (10M generated
/// rows: 3 such reads). The pool's need used to close every family instead: at 10M generated rows
/// (6.3M people over 10.8M serials, key and line packed in 8 bytes: 84 MB of pages) every person then
/// moved to the fingerprints, and every one who came back cost a block read (2.8M reads).
///
/// A family too sparse to be worth its pages (fewer than one value in eight slots, past four pages)
/// is closed: its values are handed over to be held as fingerprints (`IdentityRegistry`), and its
/// later ids are held there too. Each id is held in one place only, pages or fingerprints, and asked
/// in that place. Families are compared byte for byte, as the fingerprints compare ids, and there
/// are at most `maxFamilies` of them (a family may cost a page): ids that end in digits but share no
/// prefix go to the fingerprints.
struct SerialValues {
  static let pageBits = 16
  static let pageSize = 1 << pageBits
  /// The most families held (each may cost a page): past this, a new family's ids go to the fingerprints.
  static let maxFamilies = 64
  /// Pages kept in memory when the pool needs the rest: the newest made, of any family (2 MB of keys).
  static let defaultHotPages = 8
  let hotPages: Int

  private struct Family {
    /// Per page (serial >> `pageBits`, from `basePage` on), each slot's number key; 0 is "none" unless
    /// the serial is in `zeroKeys`. Serials often start far from 0 (`P2024000001`): the table starts
    /// at the first one's page.
    var keys: [SerialPage] = []
    /// Per page, each slot's first line (never 0 for a slot held).
    var lines: [SerialPage] = []
    /// Per page, when it was made (`made`), to tell the newest.
    var madeAt: [Int] = []
    var basePage = 0
    var pageCount = 0
    var count = 0
    var closed = false
    /// The serials held whose key is 0 (a number whose fingerprint's upper 32 bits are all 0, about one
    /// person in four billion): the pages read 0 as "none", and a key has no bit to spare, so these
    /// are told apart here rather than merged with a neighbouring key.
    var zeroKeys: Set<UInt64> = []
  }

  /// Where a lookup found an id: its first line is read from there (`line(at:)`) for a message.
  struct Slot {
    fileprivate var family: Int
    fileprivate var page: Int
    fileprivate var index: Int
  }

  /// Each family's pages, by its number in `numbering`.
  private var families: [Family] = []
  private var numbering = SerialFamilies(limit: SerialValues.maxFamilies)
  /// Where pages go when the pool needs their memory (a file made only then).
  private let file: SerialPageFile
  /// Pages made so far, of every family.
  private var made = 0
  /// Whether the keys, the lines, have been written out once: from then on a page that is no longer
  /// among the `hotPages` newest is written out when a new one is made.
  private(set) var keysOut = false
  private(set) var linesOut = false

  /// The key pages' memory, in bytes (those not written out).
  private(set) var memoryBytes = 0
  /// The line pages' memory, in bytes (those not written out).
  private(set) var lineBytes = 0

  /// What writing the keys, the lines out now would free: the pages not among the newest.
  var coldKeyBytes: Int { max(0, memoryBytes - min(made, hotPages) * Self.pageSize * 4) }
  var coldLineBytes: Int { max(0, lineBytes - min(made, hotPages) * Self.pageSize * 4) }

  /// `makeFile`: where pages go (tests give a file the system refuses to write).
  /// `hotPages`: tests make it small, so pages go to disk with few people.
  init(hotPages: Int = SerialValues.defaultHotPages, makeFile: @escaping () throws -> SpillFile = { try SpillFile() }) {
    self.hotPages = max(1, hotPages)
    file = SerialPageFile(makeFile: makeFile)
  }

  /// Values held, for the debug line.
  var count: Int { families.reduce(0) { $0 + $1.count } }

  /// Pages written out, and slots read and written on disk, for tests and the debug line.
  var diskTraffic: (pages: Int, reads: Int, writes: Int) { (file.pages, file.reads, file.writes) }

  enum Lookup {
    /// The number key held, and where (for the first line).
    case value(UInt32, Slot)
    case absent
    /// The family is closed: ask the fingerprints.
    case notHeld
  }

  /// The number key held for `serial` of an id of entity kind `kind` (a read of the disk when its
  /// page was written out).
  mutating func value(kind: Int, _ serial: IDSerial) throws -> Lookup {
    // An unknown family is not made by a lookup: it holds nothing, and `store` makes it if it may.
    guard let f = family(kind, serial, make: false) else { return numbering.hasRoom ? .absent : .notHeld }
    if families[f].closed { return .notHeld }
    let page = Int(truncatingIfNeeded: serial.number >> UInt64(Self.pageBits)) - families[f].basePage
    guard page >= 0, page < families[f].keys.count else { return .absent }
    let index = Int(truncatingIfNeeded: serial.number) & (Self.pageSize - 1)
    let key: UInt32
    if let keys = families[f].keys[page].memory {
      key = keys[index]
    } else if families[f].keys[page].offset >= 0 {
      key = try file.value(page: families[f].keys[page].offset, index)
    } else {
      return .absent
    }
    if key == 0, families[f].zeroKeys.isEmpty || !families[f].zeroKeys.contains(serial.number) { return .absent }
    return .value(key, Slot(family: f, page: page, index: index))
  }

  /// The first line of the id a lookup found at `slot` (nothing stored or closed since): from memory,
  /// or one read of 4 bytes from disk, so a file with many conflicts costs a read each, no memory.
  func line(at slot: Slot) throws -> UInt32 {
    let page = families[slot.family].lines[slot.page]
    if let lines = page.memory { return lines[slot.index] }
    return try file.value(page: page.offset, slot.index)
  }

  /// Reads the slots `value(kind:_:)` would read for these serials of one family, and returns them
  /// folded together (see `FingerprintTable.touch`): the family of the last id found (`serials` are
  /// all of it, or this reads nothing), a page at a time, pages in memory only. Changes nothing.
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
      if page >= 0, page < families[f].keys.count, let keys = families[f].keys[page].memory {
        keys.withUnsafeBufferPointer { keys in
          for k in i..<end { seen ^= UInt64(keys[Int(truncatingIfNeeded: numbers[k]) & (Self.pageSize - 1)]) }
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

  /// Stores the number key and first line (not 0) for `serial`, which `value(kind:_:)` has just
  /// answered `.absent` for, unless its family is closed, or must close now (`.closing`). Throws when
  /// a page cannot be written out.
  mutating func store(kind: Int, _ serial: IDSerial, key: UInt32, line: UInt32) throws -> Stored {
    guard let f = family(kind, serial, make: true) else { return .notHeld }
    if families[f].closed { return .notHeld }
    let absolute = Int(truncatingIfNeeded: serial.number >> UInt64(Self.pageBits))
    if families[f].keys.isEmpty { families[f].basePage = absolute }
    var page = absolute - families[f].basePage
    if page < 0 || page >= families[f].keys.count || !families[f].keys[page].exists {
      // A new page: worth it only while the family fills its pages, and its table of pages spans
      // no more than eight times the pages it holds (ids that are 18-digit numbers span the 10¹⁸).
      let pages = families[f].pageCount + 1
      let span = page < 0 ? families[f].keys.count - page : max(families[f].keys.count, page + 1)
      if (pages > 4 && pages * Self.pageSize > 8 * (families[f].count + 1)) || span > max(64, 8 * pages) {
        return .closing
      }
      if page < 0 {
        families[f].keys.insert(contentsOf: repeatElement(SerialPage(), count: -page), at: 0)
        families[f].lines.insert(contentsOf: repeatElement(SerialPage(), count: -page), at: 0)
        families[f].madeAt.insert(contentsOf: repeatElement(0, count: -page), at: 0)
        families[f].basePage = absolute
        page = 0
      } else if page >= families[f].keys.count {
        let more = page + 1 - families[f].keys.count
        families[f].keys.append(contentsOf: repeatElement(SerialPage(), count: more))
        families[f].lines.append(contentsOf: repeatElement(SerialPage(), count: more))
        families[f].madeAt.append(contentsOf: repeatElement(0, count: more))
      }
      families[f].keys[page] = SerialPage(memory: [UInt32](repeating: 0, count: Self.pageSize))
      families[f].lines[page] = SerialPage(memory: [UInt32](repeating: 0, count: Self.pageSize))
      made += 1
      families[f].madeAt[page] = made
      families[f].pageCount += 1
      memoryBytes += Self.pageSize * 4
      lineBytes += Self.pageSize * 4
      // Once pages go to disk, the one that is no longer among the newest goes now.
      if keysOut || linesOut { try writeOut(keys: keysOut, lines: linesOut) }
    }
    let index = Int(truncatingIfNeeded: serial.number) & (Self.pageSize - 1)
    // The line first: a write that fails leaves the id unheld (and the run ends with the failure).
    try Self.set(line, in: &families[f].lines[page], index, file: file)
    try Self.set(key, in: &families[f].keys[page], index, file: file)
    if key == 0 { families[f].zeroKeys.insert(serial.number) }
    families[f].count += 1
    return .stored
  }

  private static func set(_ value: UInt32, in page: inout SerialPage, _ index: Int, file: SerialPageFile) throws {
    if page.memory != nil {
      page.memory![index] = value
    } else {
      try file.set(value, page: page.offset, index)
    }
  }

  /// Writes the line pages out to disk, all but the `hotPages` newest (the pool needs their memory),
  /// and from then on each as it leaves the newest.
  mutating func writeLinesOut() throws {
    linesOut = true
    try writeOut(keys: false, lines: true)
  }

  /// Likewise the key pages (after the lines: a person who comes back to a page written out costs a read).
  mutating func writeKeysOut() throws {
    keysOut = true
    try writeOut(keys: true, lines: false)
  }

  /// Writes out the key or line pages held in memory that are not among the `hotPages` newest.
  private mutating func writeOut(keys: Bool, lines: Bool) throws {
    let oldestHot = made - hotPages
    for f in families.indices where !families[f].closed {
      for p in families[f].madeAt.indices where families[f].madeAt[p] <= oldestHot {
        if keys, let values = families[f].keys[p].memory {
          families[f].keys[p] = SerialPage(offset: try file.append(values))
          memoryBytes -= Self.pageSize * 4
        }
        if lines, let values = families[f].lines[p].memory {
          families[f].lines[p] = SerialPage(offset: try file.append(values))
          lineBytes -= Self.pageSize * 4
        }
      }
    }
  }

  /// Forgets everything.
  mutating func removeAll() {
    families = []
    numbering = SerialFamilies(limit: SerialValues.maxFamilies)
    made = 0
    keysOut = false
    linesOut = false
    memoryBytes = 0
    lineBytes = 0
    file.removeAll()
  }

  /// Closes the family of `serial` (after `.closing`): its values handed to `body` (the fingerprint
  /// of each id, its key and its line), to be held as fingerprints.
  mutating func close(familyOf serial: IDSerial, kind: Int,
                      into body: (_ fingerprint: UInt64, _ key: UInt32, _ line: UInt32) throws -> Void) throws {
    guard let f = family(kind, serial, make: false), !families[f].closed else { return }
    let key = numbering.keys[f]
    let fingerprints = IDSerial.Fingerprints(prefix: key.prefix, width: key.width, seed: UInt64(truncatingIfNeeded: key.kind))
    // Closed first: a failure part way (a page that cannot be read back) leaves the values not yet
    // handed over unreadable, and the run ends with that failure.
    families[f].closed = true
    let zeroKeys = families[f].zeroKeys
    for p in families[f].keys.indices where families[f].keys[p].exists {
      let keyPage = families[f].keys[p], linePage = families[f].lines[p]
      families[f].keys[p] = SerialPage()
      families[f].lines[p] = SerialPage()
      if keyPage.memory != nil { memoryBytes -= Self.pageSize * 4 }
      if linePage.memory != nil { lineBytes -= Self.pageSize * 4 }
      let keys = try keyPage.memory ?? file.page(at: keyPage.offset)
      let lines = try linePage.memory ?? file.page(at: linePage.offset)
      let first = UInt64(p + families[f].basePage) << UInt64(Self.pageBits)
      for i in 0..<Self.pageSize where keys[i] != 0 || (!zeroKeys.isEmpty && zeroKeys.contains(first | UInt64(i))) {
        try body(fingerprints.of(first | UInt64(i)), keys[i], lines[i])
      }
    }
    families[f].keys = []
    families[f].lines = []
    families[f].madeAt = []
    families[f].pageCount = 0
    families[f].count = 0
    families[f].zeroKeys = []
  }

  private mutating func family(_ kind: Int, _ serial: IDSerial, make: Bool) -> Int? {
    guard let f = numbering.find(kind: kind, serial, make: make) else { return nil }
    if f == families.count { families.append(Family()) }
    return f
  }
}
