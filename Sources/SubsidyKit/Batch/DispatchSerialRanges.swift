/// The dispatch ids a batch has seen, held as ranges of consecutive serial numbers per family, each
/// with the line of its first id (the ids of a range are on consecutive lines).
///
/// An export numbers its dispatches in order, so a file of a million rows is a few ranges (one more
/// for each row rejected before it reached the registry): each row is a comparison with the end of
/// the range it extends, where a table of fingerprints took a probe of a 24 MB table, and, past
/// the run's memory budget, the filters of its runs on disk (a tenth of a 1M-row run's CPU time,
/// and the table's memory, which the other parts then had to spill for).
///
/// Ids out of order cost a range each. A family whose ranges grow past `maxRanges`, or that holds
/// too few ids a range to be worth it, is closed: its ranges still answer, and its new ids go to the
/// fingerprints (`DispatchIDRegistry`), so memory and time stay small whatever the file's order. Each id is held in one place only, ranges or
/// fingerprints, and both are asked, so the answer is exact either way.
struct DispatchSerialRanges {
  /// The most ranges a family holds (24 bytes each: 24 MB, for at least eight million ids: see
  /// `leastIDsPerRange`); past them it is closed. A 10M-row file with 85,000 rows rejected before the
  /// registry is 85,000 ranges: a cap of 65,536 closed it, and moving its ids to fingerprints then
  /// cost more than the ranges ever saved.
  static let defaultMaxRanges = 1 << 20
  /// Past this many ranges, a family must hold `leastIDsPerRange` ids a range on average to stay open.
  static let rangesBeforeRatio = 1_024
  static let leastIDsPerRange = 8
  let maxRanges: Int

  init(maxRanges: Int = DispatchSerialRanges.defaultMaxRanges) {
    self.maxRanges = maxRanges
  }

  private struct FamilyKey: Hashable {
    var prefix: String
    var width: Int
  }

  private struct Family {
    /// Ranges in ascending order of serial: the first and last serial, and the first one's line.
    var starts: [UInt64] = []
    var ends: [UInt64] = []
    var lines: [Int] = []
    /// The range the last id extended or opened (the next id is nearly always its next serial).
    var last = 0
    /// No new ranges: its ids not already held go to the fingerprints.
    var closed = false
    /// Ids the ranges hold.
    var ids = 0
  }

  private var families: [Family] = []
  private var index: [FamilyKey: Int] = [:]
  /// The family of the last id (a file has one or a few): looked up again only when it changes.
  private var lastKey: FamilyKey?
  private var lastFamily = -1

  /// What the ranges hold, in bytes.
  private(set) var memoryBytes = 0

  /// Ranges held, for the debug line.
  var rangeCount: Int { families.reduce(0) { $0 + $1.starts.count } }

  enum Answer {
    /// The id was seen before, on this line.
    case earlier(Int)
    /// The id is new, and now held.
    case recorded
    /// Not held here: its family is closed (perhaps just now, its ids handed to `closing`), and the
    /// fingerprints hold its ids.
    case notHeld
  }

  /// Whether `serial` was seen before (and on which line); if not, records it at `line` unless its
  /// family is closed. When this closes the family, each of its ids is handed to `closing` with its
  /// fingerprint and first line (no copy of them all is ever held).
  mutating func earlierLine(_ serial: IDSerial, line: Int,
                            closing: (_ fingerprint: UInt64, _ line: Int) throws -> Void) rethrows -> Answer {
    let f = family(serial)
    if families[f].closed { return .notHeld }
    let n = serial.number
    // The usual case: the serial after the end of the last range, on the line after its last.
    let last = families[f].last
    if last < families[f].starts.count, families[f].ends[last] &+ 1 == n,
      families[f].lines[last] + Int(truncatingIfNeeded: n &- families[f].starts[last]) == line,
      last + 1 == families[f].starts.count || families[f].starts[last + 1] > n {
      families[f].ends[last] = n
      families[f].ids += 1
      return .recorded
    }
    // The last range starting at or below `n`.
    var low = 0, high = families[f].starts.count
    while low < high {
      let middle = (low + high) / 2
      if families[f].starts[middle] <= n { low = middle + 1 } else { high = middle }
    }
    let below = low - 1
    if below >= 0, n <= families[f].ends[below] {
      return .earlier(families[f].lines[below] + Int(truncatingIfNeeded: n &- families[f].starts[below]))
    }
    if below >= 0, families[f].ends[below] &+ 1 == n,
      families[f].lines[below] + Int(truncatingIfNeeded: n &- families[f].starts[below]) == line {
      // The range's next serial (`below + 1` starts above `n`: `n` is in no range).
      families[f].ends[below] = n
      families[f].last = below
      families[f].ids += 1
      return .recorded
    }
    // Closed when it holds too many ranges, or, past a thousand, ranges of fewer than eight ids on
    // average: its ids are not in order, and a range each would cost more than a fingerprint (a
    // shuffled 300k-row file ran 25 % slower with a range for every id).
    let ranges = families[f].starts.count
    if ranges >= maxRanges || (ranges >= Self.rangesBeforeRatio && ranges * Self.leastIDsPerRange > families[f].ids) {
      try close(f, prefix: serial.prefix, width: serial.width, into: closing)
      return .notHeld
    }
    families[f].starts.insert(n, at: low)
    families[f].ends.insert(n, at: low)
    families[f].lines.insert(line, at: low)
    families[f].last = low
    families[f].ids += 1
    memoryBytes += 24
    return .recorded
  }

  /// Closes family `f`: every id its ranges hold, as its fingerprint (`DispatchIDRegistry.fingerprint`
  /// of its text, worked out from the prefix and the padded serial) with its line; the ranges are let go.
  private mutating func close(_ f: Int, prefix: String, width: Int, into body: (_ fingerprint: UInt64, _ line: Int) throws -> Void) rethrows {
    let fingerprints = IDSerial.Fingerprints(prefix: prefix, width: width, seed: 0)
    let family = families[f]
    memoryBytes -= 24 * family.starts.count
    families[f] = Family()
    families[f].closed = true
    for r in family.starts.indices {
      for n in family.starts[r]...family.ends[r] {
        try body(fingerprints.of(n), family.lines[r] + Int(truncatingIfNeeded: n &- family.starts[r]))
      }
    }
  }

  /// Forgets every id.
  mutating func removeAll() {
    self = DispatchSerialRanges(maxRanges: maxRanges)
  }

  private mutating func family(_ serial: IDSerial) -> Int {
    if let lastKey, lastKey.width == serial.width, lastKey.prefix == serial.prefix { return lastFamily }
    let key = FamilyKey(prefix: serial.prefix, width: serial.width)
    let f: Int
    if let known = index[key] {
      f = known
    } else {
      f = families.count
      families.append(Family())
      index[key] = f
      memoryBytes += 64 + serial.prefix.utf8.count
    }
    lastKey = key
    lastFamily = f
    return f
  }
}
