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
/// too few ids a range to be worth it, is closed: its ids are handed over to the fingerprints
/// (`DispatchIDRegistry`), which hold its later ids too, so memory and time stay small whatever the
/// file's order. Families are compared byte for byte, as the fingerprints compare ids (two ids that
/// Unicode deems the same text are two ids), and there are at most `maxFamilies` of them: ids that end
/// in digits but share no prefix go to the fingerprints. Each id is held in one place only, ranges or
/// fingerprints, and asked in that place, so the answer is exact either way.
struct DispatchSerialRanges {
  /// The most ranges a family holds (24 bytes each: 1.5 MB); past them it is closed. A new range is
  /// put in its place in ascending order, moving the ones above it, so more would cost time that
  /// grows with their square when ids come in runs but out of order (a 10M-row export holds about
  /// ten thousand ranges).
  static let defaultMaxRanges = 65_536
  /// Past this many ranges, a family must hold `leastIDsPerRange` ids a range on average to stay open.
  static let rangesBeforeRatio = 1_024
  static let leastIDsPerRange = 8
  /// The most families held: ids that end in digits but share no prefix (UUIDs, hashes) would make a
  /// family each, never closed and never spilled. Past this, a new family's ids go to the fingerprints.
  static let maxFamilies = 256
  let maxRanges: Int

  init(maxRanges: Int = DispatchSerialRanges.defaultMaxRanges) {
    self.maxRanges = maxRanges
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

  /// Each family's ranges, by its number in `numbering`.
  private var families: [Family] = []
  private var numbering = SerialFamilies(limit: DispatchSerialRanges.maxFamilies)

  /// What the ranges hold, in bytes.
  private(set) var memoryBytes = 0

  /// Ranges held, for the debug line.
  var rangeCount: Int { families.reduce(0) { $0 + $1.starts.count } }

  enum Answer {
    /// The id was seen before, on this line.
    case earlier(Int)
    /// The id is new, and now held.
    case recorded
    /// Not held here: its family is closed, and the fingerprints hold its ids.
    case notHeld
    /// Not held here: its family must close now (`close(familyOf:into:)` hands its ids over), and the
    /// fingerprints hold its ids from then on.
    case closing
  }

  /// Whether `serial` was seen before (and on which line); if not, records it at `line` unless its
  /// family is closed, or must close now (`.closing`).
  mutating func earlierLine(_ serial: IDSerial, line: Int) -> Answer {
    guard let f = family(serial) else { return .notHeld }
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
      return .closing
    }
    families[f].starts.insert(n, at: low)
    families[f].ends.insert(n, at: low)
    families[f].lines.insert(line, at: low)
    families[f].last = low
    families[f].ids += 1
    memoryBytes += 24
    return .recorded
  }

  /// Closes the family of `serial` (after `.closing`): each of its ids is handed to `body` with its
  /// fingerprint (`DispatchIDRegistry.fingerprint` of its text, worked out from the prefix and the
  /// padded serial) and first line, no copy of them all ever held; its ranges are let go.
  mutating func close(familyOf serial: IDSerial, into body: (_ fingerprint: UInt64, _ line: Int) throws -> Void) rethrows {
    guard let f = family(serial), !families[f].closed else { return }
    let prefix = serial.prefix, width = serial.width
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

  private mutating func family(_ serial: IDSerial) -> Int? {
    guard let f = numbering.find(serial, make: true) else { return nil }
    if f == families.count {
      families.append(Family())
      memoryBytes += 64 + serial.prefix.utf8.count
    }
    return f
  }
}
