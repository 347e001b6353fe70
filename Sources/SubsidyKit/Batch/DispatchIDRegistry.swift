/// Remembers every dispatch id of a batch, so a row repeating one far from the first is rejected
/// however the file is cut into chunks.
///
/// Ids are kept as 64-bit FNV-1a fingerprints with the first line (12 bytes a row instead of a
/// string). Two different ids share a fingerprint with probability about n²/2⁶⁵ (3·10⁻⁶ at 10 million
/// rows); the reject then names the line it clashed with. When the run's state outgrows its memory
/// budget the table spills to sorted runs on disk (`FingerprintRuns`), so memory stays flat however
/// many rows the file has, and a new id (most rows) is still told apart without reading the disk.
///
/// Ids that end in a serial number are held first as ranges of consecutive serials
/// (`DispatchSerialRanges`): an export numbers its dispatches in order, and a range costs a
/// comparison a row where a fingerprint cost a table probe. Ids the ranges do not take (no serial,
/// or a family of ids so out of order that it was closed) are held as fingerprints.
struct DispatchIDRegistry {
  private var firstLine: FingerprintRuns<Int32>
  private var serials: DispatchSerialRanges
  private let place: SpillPlace
  /// What the ranges held when last told to the pool.
  private var reportedSerialBytes = 0

  /// `maxSerialRanges`: how many ranges a family of ids may hold before it is closed (tests make it small).
  init(place: SpillPlace = SpillPlace(), maxSerialRanges: Int = DispatchSerialRanges.defaultMaxRanges) {
    firstLine = FingerprintRuns(place: place, part: .dispatchIDs)
    serials = DispatchSerialRanges(maxRanges: maxSerialRanges)
    self.place = place
  }

  /// The line of an earlier row with this id, or nil (and the id is recorded).
  /// `hash` is the id's `fingerprint` and `serial` its `IDSerial`, both worked out on a worker
  /// thread so the merge only looks up.
  mutating func earlierLine(hash: UInt64, serial: IDSerial?, line: Int) throws -> Int? {
    if let serial {
      switch serials.earlierLine(serial, line: line) {
      case .earlier(let first): return first
      case .recorded:
        if serials.memoryBytes - reportedSerialBytes >= 64 << 10 { report(serials) }
        return nil
      case .notHeld: break
      case .closing:
        // Its family's ids are held as fingerprints from now on, this one with them. (The ranges are
        // moved out meanwhile: they hand their ids to another part of `self`.)
        var ranges = serials
        serials = DispatchSerialRanges(maxRanges: ranges.maxRanges)
        defer { serials = ranges }
        try ranges.close(familyOf: serial) { try firstLine.insertAbsent($0, Int32(truncatingIfNeeded: $1)) }
        report(ranges)
      }
    }
    return try firstLine.insertIfAbsent(hash, Int32(truncatingIfNeeded: line)).map(Int.init)
  }

  /// The ranges' memory, counted in the run's pool; it cannot go to disk (it is small by design).
  private mutating func report(_ ranges: DispatchSerialRanges) {
    reportedSerialBytes = ranges.memoryBytes
    _ = place.report(.dispatchSerials, bytes: reportedSerialBytes, freeable: 0)
  }

  /// Forgets every id: past the file's last row, its memory goes to what the end judges.
  mutating func removeAll() {
    firstLine.removeAll()
    serials.removeAll()
    report(serials)
  }

  /// What it holds, for the debug line.
  var summary: String { "dispatch ids \(firstLine.summary) and \(serials.rangeCount) ranges of serials" }

  /// The id's 64-bit FNV-1a fingerprint.
  static func fingerprint(_ id: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in id.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }
}
