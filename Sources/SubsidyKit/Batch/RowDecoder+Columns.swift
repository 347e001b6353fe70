import PolicyCheck
import PolicyEval
import PolicyValues
import SubsidyIO

/// Decoding a chunk's fixed-width cells a column at a time, before its row loop.
///
/// Per row, the row loop decoded each cell on its own: find its bytes (a closure), read its
/// description, dispatch on its kind, store it in the draft. For the roles nearly every row begins
/// a record of (the dispatch every accepted row is, and the person and household a row usually
/// brings), the cells are now decoded column by column, a tile of 64 rows at a time (`FieldDecoder.decodeColumn`,
/// one loop per kind), into a block of per-row values. The row loop then copies a new record's values
/// from the block, and decodes per cell only the others (names).
///
/// Nothing about a row's outcome moves here: a record whose block cells are not all clean (one bad,
/// out of bounds, not in place, or required and empty) is decoded by the per-cell path (`fill`), which
/// finds the same first problem and says it in the same words; the inner roles are still begun first,
/// a record repeated in the chunk is still compared and validated as before, and the record checks
/// (`end >= start`) still run on the record. Organisations, few and shared by many rows, are not
/// decoded this way: most of their cells would be decoded for rows that only name them again.
extension RowDecoder {
  /// Which roles' fixed-width cells are decoded a column at a time.
  package enum Columnar: Sendable {
    /// None: every cell is decoded in the row loop (the reference the column path is tested against).
    case none
    /// The row's own record and the roles whose entity no other role shares (a person, a household).
    case rowRecords
    /// Every role.
    case all

    func chooses(_ r: Int, _ plan: ColumnPlan) -> Bool {
      switch self {
      case .none: false
      case .all: true
      case .rowRecords: r == 0 || plan.roles.lazy.filter { $0.entity == plan.roles[r].entity }.count == 1
      }
    }
  }

  /// A block cell's role, and 1 when it is required (0 when not).
  struct BlockCell: Sendable {
    let role: Int
    let required: UInt8
  }

  /// Per role: the indices (in `cells[r]`) of its cells decoded a column at a time, and of the others.
  static func split(_ cells: [[Cell]], _ plan: ColumnPlan, _ columnar: Columnar) -> (column: [[Int]], row: [[Int]]) {
    var column: [[Int]] = [], row: [[Int]] = []
    for r in cells.indices {
      let chosen = columnar.chooses(r, plan)
      column.append(cells[r].indices.filter { chosen && cells[r][$0].fixedWidth != nil })
      row.append(cells[r].indices.filter { !(chosen && cells[r][$0].fixedWidth != nil) })
    }
    return (column, row)
  }

  /// One tile of a chunk's rows with its block cells decoded: for block cell `k` (the roles'
  /// `columnCells` one after the other) and the tile's row `i`, its state (`FieldDecoder.ColumnCell`)
  /// and value at `k * tile + i`; and per role and row, whether any of the role's block cells is not
  /// clean (`troubled`, at `r * tile + i`). Made once per chunk, filled again for each tile.
  final class ColumnBlock {
    /// The tile's first row in the chunk, and its rows.
    private(set) var first = 0
    private(set) var rows = 0..<0
    let values: UnsafeMutablePointer<Int64>
    let states: UnsafeMutablePointer<UInt8>
    let troubled: UnsafeMutablePointer<UInt8>
    let ranges: UnsafeMutablePointer<UInt64>
    let roles: Int
    /// Per block cell: where its column's cells are in the draft's records (`Facts.Draft.encodedColumn`).
    var targets: [Facts.Draft.EncodedColumn]
    /// Whether the chunk's records take their block cells from it (else every cell is decoded per row).
    var used = false
    /// Where `touch` leaves what it read, so its reads are not optimised away (nothing reads it).
    var touched: UInt8 = 0

    init(cells: Int, roles: Int) {
      let tile = RowDecoder.tileRows
      self.roles = roles
      values = .allocate(capacity: max(cells * tile, 1))
      states = .allocate(capacity: max(cells * tile, 1))
      troubled = .allocate(capacity: max(roles * tile, 1))
      troubled.initialize(repeating: 0, count: max(roles * tile, 1))
      ranges = .allocate(capacity: max(cells * tile, 1))
      targets = []
    }

    deinit {
      values.deallocate()
      states.deallocate()
      troubled.deallocate()
      ranges.deallocate()
    }

    /// Whether `row` is in the tile decoded last.
    @inline(__always)
    func holds(_ row: Int) -> Bool { rows.contains(row) }

    func startTile(_ rows: Range<Int>) {
      self.rows = rows
      first = rows.lowerBound
      troubled.update(repeating: 0, count: roles * RowDecoder.tileRows)
    }
  }

  /// Rows decoded together, a column after the other: few enough that their bytes and field ranges
  /// stay in the first-level cache while each column is read and while the row loop then goes over
  /// them. Column by column over a whole chunk (300 KB of text) read each cell from further away than
  /// the per-row path did, and was slower than it.
  static let tileRows = 64

  /// A block for the chunk's tiles, holding where each block cell goes in `draft`; not `used` when no
  /// role is decoded this way or a column has no encoded form in the draft. (Never nil: binding an
  /// optional block retained and released it for every record.)
  func columnBlock(_ draft: Facts.Draft) -> ColumnBlock {
    let block = ColumnBlock(cells: blockCells, roles: cells.count)
    guard blockCells > 0 else { return block }
    for r in cells.indices {
      for c in columnCells[r] {
        guard let target = draft.encodedColumn(roleEntity[r], cells[r][c].slot) else { return block }
        block.targets.append(target)
      }
    }
    block.used = true
    return block
  }

  /// Decodes the block cells of the tile of rows starting at `first`, column by column.
  func decodeTile(_ block: ColumnBlock, _ chunk: CSVChunk, from first: Int, asOf: CivilDate?) {
    let tile = Self.tileRows
    let rows = first..<min(chunk.count, first + tile)
    block.startTile(rows)
    chunk.bytes.withUnsafeBufferPointer { bytes in
      let span = chunk.packedRanges(rows: rows, columns: blockColumns, into: block.ranges, stride: tile)
      Self.touch(bytes, span, into: block)
      for k in 0..<blockCells {
        let cell = blockCell[k]
        let offset = k * tile
        blockSpecs[k]._withUnsafeGuaranteedRef {
          decoder.decodeColumn($0, bytes: bytes, ranges: UnsafeBufferPointer(start: block.ranges + offset, count: rows.count),
                               values: block.values + offset, states: block.states + offset, asOf: asOf)
        }
        // Not clean: `other` (2), or `empty` (1) where the cell is required.
        let states = block.states + offset, troubled = block.troubled + cell.role * tile
        for i in 0..<rows.count { troubled[i] |= (states[i] >> 1) | (states[i] & cell.required) }
      }
    }
  }

  /// Reads one byte of every cache line of `bytes[span]`, in order: a stream the processor fetches
  /// ahead of, so the column-by-column reads that follow find the tile's bytes in the cache. Without
  /// it, the first read of nearly every cell waited for memory (the tile's rows are read across, not
  /// along).
  @inline(__always)
  static func touch(_ bytes: UnsafeBufferPointer<UInt8>, _ span: Range<Int>, into block: ColumnBlock) {
    guard let base = bytes.baseAddress, !span.isEmpty else { return }
    var sum: UInt8 = 0
    for i in Swift.stride(from: span.lowerBound, to: span.upperBound, by: 64) { sum &+= base[i] }
    block.touched = sum
  }

  /// Writes role `r`'s block cells of `row` into record `position` of the draft, when they are all
  /// clean (then nothing of them can be a problem); false, writing nothing, when the record must take
  /// the per-cell path.
  @inline(__always)
  func copyBlockCells(_ block: ColumnBlock, _ r: Int, _ row: Int, to position: Int, converted: Bool) -> Bool {
    assert(!block.used || block.holds(row), "row \(row) is not in the tile decoded last")
    let tile = Self.tileRows, row = row - block.first
    guard block.used, block.troubled[r * tile + row] == 0, !converted else { return false }
    for k in blockStart[r]..<blockStart[r + 1] {
      let i = k * tile + row
      // An empty cell leaves the record's blank (its default), as the per-cell path does.
      guard block.states[i] == FieldDecoder.ColumnCell.value else { continue }
      block.targets[k].store(block.values[i], at: position)
    }
    return true
  }
}
