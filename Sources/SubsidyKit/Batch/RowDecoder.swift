import Foundation
import PolicyCheck
import PolicyEval
import PolicySupport
import PolicyValues

/// Turns a chunk of CSV records into `Facts`: one dispatch per row, with its person, household,
/// organiser and employer (each shared record stored once per chunk). A row with any bad cell is
/// rejected whole, with the first bad column; the others are still decoded.
///
/// Cells are decoded by the one `FieldDecoder` from bytes straight into the chunk's `Facts.Draft`
/// (raw records, a cell one store): no per-row arrays. The schema's bounds and record checks
/// (`end >= start`) reject a row like a bad cell.
///
/// The fixed-width cells of the records nearly every row begins (its dispatch, person, household)
/// are decoded a tile of rows at a time, column by column, before the row loop reaches them
/// (`RowDecoder+Columns.swift`); a new record copies them, and a record with a problem among them is
/// decoded cell by cell as before, so rejects keep their first column and their words.
package struct RowDecoder: Sendable {
  let schema: FactSchema
  let plan: ColumnPlan
  let decoder: FieldDecoder
  let showPII: Bool
  /// Per role: each field's default value (from the schema), the record a new row starts from.
  let defaults: [[Value]]
  /// Per entity kind: its blank record (its roles' defaults), encoded once; and how many roles
  /// of a row are of that kind (each row may begin that many records of it).
  let blanks: [Facts.Table.Blank]
  let rolesPerEntity: [Int]
  /// Facts with no record, made once: each chunk's decoding starts from a copy (made from the schema,
  /// every field's form was looked up again for each chunk).
  let emptyFacts: Facts
  /// One field read from the file: where it goes, where it comes from, and how it is decoded.
  struct Cell: Sendable {
    let slot: Int
    let column: Int
    let required: Bool
    /// A text cell (an id, a name) checked for control characters (`TextHygiene`).
    let isText: Bool
    /// Not counted: `specs` owns every spec for the decoder's lifetime. A counted reference cost a
    /// retain and a release per cell of every row, more than decoding most cells.
    let unmanagedSpec: Unmanaged<FieldDecoder.Spec>
    var spec: FieldDecoder.Spec { unmanagedSpec.takeUnretainedValue() }
    /// The column's form when the cell is decoded straight into it (`FieldDecoder.decodeFixedWidth`:
    /// numbers, dates, codes, cases, booleans, evidence lists, bounded or not); nil for the others
    /// (text, ID numbers), decoded to a `Value`.
    let fixedWidth: FactColumn.Codec?

    /// Decodes a fixed-width cell's bytes with its spec, borrowed.
    @inline(__always)
    func decodeFixedWidth(_ bytes: UnsafeBufferPointer<UInt8>, _ decoder: FieldDecoder, asOf: CivilDate?) -> FieldDecoder.FixedWidthOutcome {
      unmanagedSpec._withUnsafeGuaranteedRef { decoder.decodeFixedWidth(bytes, $0, asOf: asOf) }
    }

    /// Decodes the cell's bytes with its spec, which is borrowed, not retained.
    @inline(__always)
    func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ decoder: FieldDecoder, asOf: CivilDate?) -> FieldDecoder.Outcome {
      unmanagedSpec._withUnsafeGuaranteedRef { decoder.decode(bytes, $0, asOf: asOf) }
    }
  }
  /// Per role: the fields read from the file.
  let cells: [[Cell]]
  /// Owns the specs `cells` refer to.
  private let specs: [FieldDecoder.Spec]
  let idColumns: [Int?]
  /// Per CSV column: whether it holds personal data (an ID number), so a cell refused for its bytes
  /// is masked whole there, as a bad ID number is.
  let piiColumns: [Bool]
  let requiredRole: [Bool]
  /// Per role: whether its entity has record checks (`end >= start`) to run after its cells, and the
  /// checks (taken out once: reading them through the schema copied the entity for every record).
  let hasChecks: [Bool]
  let checks: [[RecordCheck]]
  /// Per role, when every check compares two dates or two numbers: the checks on the columns'
  /// encoded values, which keep the values' order. A record that passes them (nearly all) is not
  /// read back as `Value`s; one that fails is checked again the slow way, for the message.
  let encodedChecks: [[(left: Int, right: Int, comparison: RecordCheck.Comparison)]?]
  /// Per role: its entity kind, and the roles it owns (their index, entity, and the slot that points
  /// at them): plain integers, so the per-row loop copies no role description.
  let roleEntity: [Int]
  let owned: [[(inner: Int, entity: Int, slot: Int)]]
  /// Per role: its cells decoded a column at a time before the row loop (`columnBlock`), and the
  /// others, decoded in it; where the role's first block cell is among all roles' block cells, and
  /// how many block cells there are.
  let columnCells: [[Int]]
  /// The others, all roles' in one flat list, role `r`'s at `rowCellStart[r]..<rowCellStart[r + 1]`:
  /// read from a list of lists, each record's loop retained and released the inner list.
  let rowCellList: [Cell]
  let rowCellStart: [Int]
  /// Role `r`'s block cells are `blockStart[r]..<blockStart[r + 1]`.
  let blockStart: [Int]
  let blockCells: Int
  /// Per block cell (the roles' `columnCells` one after the other): its CSV column, role and
  /// requiredness, and its spec.
  let blockColumns: [Int]
  let blockCell: [BlockCell]
  let blockSpecs: [Unmanaged<FieldDecoder.Spec>]

  package init(schema: FactSchema, plan: ColumnPlan, showPII: Bool, columnar: Columnar = .rowRecords) {
    self.schema = schema
    self.plan = plan
    self.showPII = showPII
    let decoder = FieldDecoder(schema: schema)
    self.decoder = decoder
    defaults = plan.roles.map { role in
      schema.entities[role.entity].fields.map { field in
        field.defaultText.flatMap { try? decoder.decodeLiteral($0, field.type).get() } ?? .null
      }
    }
    emptyFacts = Facts(schema: schema)
    let tables = emptyFacts.tables
    let defaults = defaults
    blanks = tables.indices.map { e in tables[e].blank(plan.roles.firstIndex { $0.entity == e }.map { defaults[$0] } ?? []) }
    rolesPerEntity = tables.indices.map { e in plan.roles.lazy.filter { $0.entity == e }.count }
    var specs: [FieldDecoder.Spec] = []
    cells = plan.roles.map { role in
      schema.entities[role.entity].fields.compactMap { field in
        if case .reference = field.type { return nil }
        if field.name == "id" { return nil }
        return role.columns[field.slot].map { column in
          let spec = decoder.spec(field)
          specs.append(spec)
          let codec = FactColumn.Codec(field.type, schema: schema)
          return Cell(slot: field.slot, column: column, required: field.required, isText: spec.isText && TextHygiene.isText(field.type),
                      unmanagedSpec: Unmanaged.passUnretained(spec),
                      fixedWidth: codec != .boxed && decoder.decodesFixedWidth(spec) ? codec : nil)
        }
      }
    }
    self.specs = specs
    let (columnCells, rowCells) = Self.split(cells, plan, columnar)
    self.columnCells = columnCells
    let allCells = cells
    rowCellList = rowCells.indices.flatMap { r in rowCells[r].map { allCells[r][$0] } }
    rowCellStart = (0...rowCells.count).map { r in rowCells[..<r].reduce(0) { $0 + $1.count } }
    blockStart = (0...columnCells.count).map { r in columnCells[..<r].reduce(0) { $0 + $1.count } }
    blockCells = columnCells.reduce(0) { $0 + $1.count }
    let inBlock = columnCells.indices.flatMap { r in columnCells[r].map { (r, allCells[r][$0]) } }
    blockColumns = inBlock.map(\.1.column)
    blockCell = inBlock.map { BlockCell(role: $0.0, required: $0.1.required ? 1 : 0) }
    blockSpecs = inBlock.map(\.1.unmanagedSpec)
    checks = plan.roles.map { schema.entities[$0.entity].checks }
    hasChecks = checks.map { !$0.isEmpty }
    encodedChecks = plan.roles.map { role in
      let entity = schema.entities[role.entity]
      func codec(_ slot: Int) -> FactColumn.Codec { FactColumn.Codec(entity.fields[slot].type, schema: schema) }
      let encoded = entity.checks.compactMap { check -> (left: Int, right: Int, comparison: RecordCheck.Comparison)? in
        let left = codec(check.left)
        guard left == .date || left == .number, codec(check.right) == left else { return nil }
        return (check.left, check.right, check.comparison)
      }
      return encoded.count == entity.checks.count ? encoded : nil
    }
    roleEntity = plan.roles.map(\.entity)
    owned = plan.roles.indices.map { r in
      plan.roles.enumerated().compactMap { inner, role in
        role.owner == r ? role.ownerSlot.map { (inner, role.entity, $0) } : nil
      }
    }
    idColumns = plan.roles.map { role in schema.entities[role.entity].slots["id"].flatMap { role.columns[$0] } }
    let piiCells = Set(cells.joined().filter { $0.spec.pii }.map(\.column))
    piiColumns = plan.header.indices.map(piiCells.contains)
    requiredRole = plan.roles.enumerated().map { r, role in
      r == 0 || (role.owner == 0 && role.ownerSlot.map { schema.entities[plan.roles[0].entity].fields[$0].required } ?? false)
    }
  }

  package struct Decoded: Sendable {
    package var facts: Facts
    /// The line of each dispatch record, by its index in the dispatch table.
    var lines: [Int] = []
    /// Per entity kind, the line each record was decoded from (its first row in the chunk).
    var firstLines: [[Int]] = []
    var rejects: [Reject] = []
    /// The rejects of rows repeating the dispatch id of an earlier row of the chunk (by index in
    /// `rejects`), with the id: when that earlier row itself repeated an earlier chunk's id, the merge
    /// names the file's first line instead, as it would with the rows in chunks of their own.
    var repeatedInChunk: [(reject: Int, id: String)] = []
    /// Per accepted row (in `lines`' order), the record of each role, role after role (-1: none):
    /// which records a row rests on, so the merge can drop or move the results of records whose rows
    /// it rejects (`ClaimedRecords.judgeRows`). Four bytes a role a row.
    var rowRecords: [Int32] = []
    /// Per entity kind, its records' ids (`facts`' own, kept when the facts are let go).
    var recordIDs: [[String]] = []
  }

  package func decode(_ chunk: CSVChunk, asOf: CivilDate?) -> Decoded {
    var out = Decoded(facts: emptyFacts)
    out.facts.asOf = asOf
    out.lines.reserveCapacity(chunk.count)
    out.rowRecords.reserveCapacity(chunk.count * plan.roles.count)
    // Every row may begin a record for each of its roles: the draft lays out that many blanks.
    var draft = Facts.Draft(like: out.facts.tables, capacities: rolesPerEntity.map { $0 * chunk.count }, blanks: blanks)
    let block = columnBlock(draft)
    let roleCount = plan.roles.count
    var indices = [Int?](repeating: nil, count: roleCount)
    var fresh = [Bool](repeating: false, count: roleCount)
    // For each table, the chunk row each record was decoded from (to compare a later row's cells with).
    var origin = [[Int]](repeating: [], count: schema.entities.count)
    let width = plan.header.count
    rows: for row in 0..<chunk.count {
      // The block cells of the next tile of rows, decoded column by column as the loop reaches it.
      if block.used, row % Self.tileRows == 0 { decodeTile(block, chunk, from: row, asOf: asOf) }
      // A row cut short (or run long) has its cells under the wrong columns: reject it whole.
      if chunk.fieldCount(row) != width, !(chunk.fieldCount(row) > width && extraCellsEmpty(chunk, row, from: width)) {
        out.rejects.append(Reject(line: chunk.lines[row], column: "(row)", value: "",
                                  reason: RejectReason.cellCount(chunk.fieldCount(row), header: width)))
        continue rows
      }
      if let problem = chunk.cellProblems[row] {
        let column = problem.column < width ? plan.header[problem.column] : "column \(problem.column + 1)"
        let pii = problem.column < piiColumns.count && piiColumns[problem.column]
        let value = showPII ? problem.value : pii ? PIIMask.masked(problem.value) : PIIMask.mask(problem.value)
        out.rejects.append(Reject(line: chunk.lines[row], column: column, value: value, reason: problem.reason))
        continue rows
      }
      for r in 0..<roleCount {
        indices[r] = nil
        fresh[r] = false
      }
      // Inner roles first (household before person, person before dispatch), so owners can link to them.
      for r in stride(from: roleCount - 1, through: 0, by: -1) {
        let entity = roleEntity[r]
        guard let idColumn = idColumns[r] else { continue }
        // The id is looked up by its bytes: a `String` is made only for a new record.
        let lookup = chunk.withField(row, idColumn) { cell -> IDLookup in
          // Bytes first: only an id holding a byte that may start a control character is looked at closely.
          if cell.contains(where: CSVChunk.mayStartControl), let bad = controlCharacter(String(decoding: cell, as: UTF8.self)) {
            return .control(bad)
          }
          let id = Self.trimmingSpaces(cell)
          if id.isEmpty { return .empty }
          let (position, isNew) = draft.findOrBegin(entity, id: id)
          return .record(position, isNew: isNew)
        }
        var position: Int, isNew: Bool
        switch lookup {
        case .control(let bad):
          rollback(&draft, fresh, indices)
          out.rejects.append(reject(chunk, row, idColumn, TextHygiene.reason(bad), pii: false))
          continue rows
        case .empty:
          if requiredRole[r] {
            rollback(&draft, fresh, indices)
            out.rejects.append(Reject(line: chunk.lines[row], column: plan.header[idColumn], value: "", reason: RejectReason.emptyID))
            continue rows
          }
          continue
        case .record(let p, let n):
          (position, isNew) = (p, n)
        }
        if !isNew {
          let existing = position
          if r == 0 {
            // Worded as the merge words a repeat of an earlier chunk's id, so the rejects do not
            // depend on where chunks are cut.
            let id = draft.id(entity, existing), first = existing < origin[entity].count ? chunk.lines[origin[entity][existing]] : nil
            rollback(&draft, fresh, indices)
            out.repeatedInChunk.append((out.rejects.count, id))
            out.rejects.append(Reject(line: chunk.lines[row], column: plan.header[idColumn], value: PIIMask.mask(id, show: showPII),
                                      reason: first.map(RejectReason.repeatedDispatch) ?? RejectReason.repeatedDispatchEarlier))
            continue rows
          }
          // A shared record already decoded in this chunk: keep the first, but this row's cells
          // must still be valid, or the row would pass or fail depending on where chunks are cut.
          let first = existing < origin[entity].count ? origin[entity][existing] : -1
          if !sameCells(r, chunk, row, first) || !sameLinks(r, draft, existing, indices) {
            if givesOtherValues(r, chunk, row, asOf: asOf, stored: draft, existing, indices) {
              // Other values for the record (another ID number, or none where it has one; another
              // status; another household): the row begins a record of its own, as if it began a
              // chunk, so its dispatch is judged on its own row's values, as it is when chunks are
              // cut between the two rows. And for an ID number, whether this row or the record's rows
              // are accepted is known only at the merge, in file order (the record's number may be
              // another's, its dispatch a repeat, a ledger may refuse it): each record is one claim,
              // judged there as records of two chunks are.
              position = draft.beginAnother(entity, sameIDAs: existing)
              isNew = true
            } else if let problem = validate(r, chunk, row, asOf: asOf) {
              rollback(&draft, fresh, indices)
              out.rejects.append(problem)
              continue rows
            }
          }
          if !isNew {
            indices[r] = existing
            continue
          }
        }
        if origin[entity].count == position { origin[entity].append(row) } else if position < origin[entity].count { origin[entity][position] = row }
        indices[r] = position
        fresh[r] = true
        if let problem = fill(&draft, r, position, chunk, row, asOf: asOf, block: block) {
          rollback(&draft, fresh, indices)
          out.rejects.append(problem)
          continue rows
        }
        // By index, and stored encoded (a reference is its record's index): no `Value` per link.
        for l in owned[r].indices {
          let link = owned[r][l]
          if let i = indices[link.inner] {
            draft.set(entity, position, link.slot, encoded: Int64(i), as: .entity(kind: link.entity))
          }
        }
      }
      out.lines.append(chunk.lines[row])
      for r in 0..<roleCount { out.rowRecords.append(Int32(truncatingIfNeeded: indices[r] ?? -1)) }
    }
    out.facts.tables = draft.finish()
    out.firstLines = origin.map { rows in rows.map { chunk.lines[$0] } }
    return out
  }

  /// Decodes the role's cells into its new record, then the entity's record checks; the first
  /// problem is returned as a reject.
  /// Each cell is one store into the record, in the draft's raw memory.
  /// The cells decoded a column at a time (`block`) are copied from it when they are all clean;
  /// otherwise the record takes the per-cell path for every cell, which finds the first problem.
  private func fill(_ draft: inout Facts.Draft, _ r: Int, _ position: Int, _ chunk: CSVChunk, _ row: Int, asOf: CivilDate?,
                    block: ColumnBlock) -> Reject? {
    let t = roleEntity[r]
    // By index, with the decoder read in place: a copy of the decoder or an iterator over the cells
    // cost reference counting for every record of every row.
    if copyBlockCells(block, r, row, to: position, converted: draft.hasConvertedColumns) {
      for i in rowCellStart[r]..<rowCellStart[r + 1] {
        if let problem = fillCell(&draft, t, rowCellList[i], position, chunk, row, asOf: asOf) { return problem }
      }
    } else {
      for c in cells[r].indices {
        if let problem = fillCell(&draft, t, cells[r][c], position, chunk, row, asOf: asOf) { return problem }
      }
    }
    guard hasChecks[r] else { return nil }
    if let encoded = encodedChecks[r], encoded.allSatisfy({ Self.holds($0, draft, t, position) }) { return nil }
    let draft = draft
    return recordCheck(r, chunk, row) { draft[t, position, $0] }
  }

  /// Decodes one cell into the record; a problem is returned as a reject.
  @inline(__always)
  private func fillCell(_ draft: inout Facts.Draft, _ t: Int, _ cell: Cell, _ position: Int, _ chunk: CSVChunk, _ row: Int,
                        asOf: CivilDate?) -> Reject? {
    if let codec = cell.fixedWidth {
      switch chunk.withField(row, cell.column, { cell.decodeFixedWidth($0, self.decoder, asOf: asOf) }) {
      case .value(let v):
        draft.set(t, position, cell.slot, encoded: v, as: codec)
      case .empty:
        if cell.required { return Reject(line: chunk.lines[row], column: plan.header[cell.column], value: "", reason: RejectReason.emptyRequired) }
      case .bad(let why):
        return reject(chunk, row, cell.column, why.text, pii: cell.spec.pii)
      }
      return nil
    }
    if cell.isText, let problem = textProblem(chunk, row, cell) { return problem }
    switch chunk.withField(row, cell.column, { cell.decode($0, self.decoder, asOf: asOf) }) {
    case .value(let v):
      draft[t, position, cell.slot] = v
    case .empty:
      if cell.required { return Reject(line: chunk.lines[row], column: plan.header[cell.column], value: "", reason: RejectReason.emptyRequired) }
    case .bad(let why):
      return reject(chunk, row, cell.column, why.text, pii: cell.spec.pii)
    }
    return nil
  }

  /// A check on two encoded columns of the record; a null side passes, as `RecordCheck.holds`.
  @inline(__always)
  private static func holds(_ check: (left: Int, right: Int, comparison: RecordCheck.Comparison), _ draft: Facts.Draft, _ t: Int, _ record: Int) -> Bool {
    guard let left = draft.encoded(t, record, check.left), let right = draft.encoded(t, record, check.right) else { return true }
    return check.comparison.holds(left, right)
  }

  /// The first of the entity's schema checks (`end >= start`) the record breaks, as a reject at its left column.
  private func recordCheck(_ r: Int, _ chunk: CSVChunk, _ row: Int, _ value: (Int) -> Value) -> Reject? {
    // Nearly every record passes: the entity (and its message) is looked at only for one that does not.
    guard hasChecks[r], checks[r].contains(where: { !$0.holds(value) }) else { return nil }
    let entity = schema.entities[roleEntity[r]]
    guard let (check, problem) = decoder.check(entity, value) else { return nil }
    guard let column = plan.roles[r].columns[check.left] else {
      return Reject(line: chunk.lines[row], column: "(row)", value: "", reason: problem.text.map { "`\(entity.fields[check.left].name)` " + $0 })
    }
    return reject(chunk, row, column, problem.text, pii: entity.fields[check.left].pii)
  }

  /// Whether the role's cells in `row` are byte for byte those of `first` (then they were already validated).
  private func sameCells(_ r: Int, _ chunk: CSVChunk, _ row: Int, _ first: Int) -> Bool {
    guard first >= 0 else { return false }
    // By index, as in `fill`: iterating the cells retained and released them for every record.
    for c in cells[r].indices {
      let column = cells[r][c].column
      let same = chunk.withField(row, column) { a in chunk.withField(first, column) { b in Self.equal(a, b) } }
      if !same { return false }
    }
    return true
  }

  /// Byte equality by `memcmp`: `elementsEqual` is generic and, unspecialised in a debug build, the
  /// slowest step of the comparison.
  @inline(__always)
  static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    guard a.count > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
    return memcmp(pa, pb, a.count) == 0
  }

  /// Whether this row gives role `r`'s record other values than it holds: a cell whose value differs
  /// (an empty one stands for the field's default, as `fill` leaves it), or a link to another record
  /// (another household). Equal values written differently (`350` and `350.00`) are the same record.
  /// A bad cell is not a difference: `validate` refuses the row.
  private func givesOtherValues(_ r: Int, _ chunk: CSVChunk, _ row: Int, asOf: CivilDate?, stored: Facts.Draft, _ existing: Int,
                                _ indices: [Int?]) -> Bool {
    let t = roleEntity[r]
    for cell in cells[r] {
      // A cell held encoded is compared in that form (an evidence list's parts in any order are one
      // set); text as a `Value`.
      if let codec = cell.fixedWidth {
        let held = stored.encoded(t, existing, cell.slot)
        switch chunk.withField(row, cell.column, { cell.decodeFixedWidth($0, decoder, asOf: asOf) }) {
        case .value(let v): if held != v { return true }
        case .empty:
          let blank = defaults[r][cell.slot]
          if held != (blank.isNull ? nil : FactColumn.encode(blank, codec)) { return true }
        case .bad: return false
        }
        continue
      }
      switch chunk.withField(row, cell.column, { cell.decode($0, decoder, asOf: asOf) }) {
      case .value(let v): if stored[t, existing, cell.slot] != v { return true }
      case .empty: if stored[t, existing, cell.slot] != defaults[r][cell.slot] { return true }
      case .bad: return false
      }
    }
    return !sameLinks(r, stored, existing, indices)
  }

  /// Whether the record links to the records this row's inner roles found (its household): a link
  /// is set when the record is begun, so a later row naming another household would otherwise be
  /// judged with the first row's.
  private func sameLinks(_ r: Int, _ stored: Facts.Draft, _ existing: Int, _ indices: [Int?]) -> Bool {
    let t = roleEntity[r]
    for l in owned[r].indices {
      let link = owned[r][l]
      let held = stored.encoded(t, existing, link.slot)
      if held != indices[link.inner].map(Int64.init) { return false }
    }
    return true
  }

  /// Checks a role's cells without storing them (the record was decoded from an earlier row of the
  /// chunk, with the same values: `givesOtherValues`): each cell, and the record checks.
  private func validate(_ r: Int, _ chunk: CSVChunk, _ row: Int, asOf: CivilDate?) -> Reject? {
    var record = defaults[r]
    for cell in cells[r] {
      if cell.isText, let problem = textProblem(chunk, row, cell) { return problem }
      switch chunk.withField(row, cell.column, { cell.decode($0, decoder, asOf: asOf) }) {
      case .value(let v):
        record[cell.slot] = v
      case .empty:
        if cell.required { return Reject(line: chunk.lines[row], column: plan.header[cell.column], value: "", reason: RejectReason.emptyRequired) }
      case .bad(let why):
        return reject(chunk, row, cell.column, why.text, pii: cell.spec.pii)
      }
    }
    return recordCheck(r, chunk, row) { record[$0] }
  }

  /// A bad cell; any ID number in it (in whatever column it was typed) is masked unless PII may be shown.
  /// In a `pii` column whatever was typed is masked (a wrong-length number is still personal data).
  private func reject(_ chunk: CSVChunk, _ row: Int, _ column: Int, _ why: LocalizedText, pii: Bool) -> Reject {
    let raw = ControlCharacters.escapedForTerminal(chunk.string(row, column))
    let value = showPII ? raw : pii ? PIIMask.masked(raw) : PIIMask.mask(raw)
    return Reject(line: chunk.lines[row], column: plan.header[column], value: value, reason: why.map { PIIMask.mask($0, show: showPII) })
  }

  /// A text cell (a name, a reference) holding a control character, TAB included (a name may hold a
  /// line break): it is refused, not trimmed, because trimming changed the value silently (`\t=1+1`
  /// became the formula `=1+1`).
  private func textProblem(_ chunk: CSVChunk, _ row: Int, _ cell: Cell) -> Reject? {
    let column = cell.column
    let suspect = chunk.withField(row, column) { bytes in bytes.contains(where: CSVChunk.mayStartControl) }
    guard suspect, let bad = TextHygiene.firstForbidden(in: chunk.string(row, column), cell.spec.type) else { return nil }
    return reject(chunk, row, column, TextHygiene.reason(bad), pii: false)
  }

  private func controlCharacter(_ text: String) -> Unicode.Scalar? { ControlCharacters.first(in: text)?.scalar }

  /// What a role's id cell gives: a control character (the row is rejected), nothing, or its record.
  private enum IDLookup {
    case control(Unicode.Scalar)
    case empty
    case record(Int, isNew: Bool)
  }

  /// The bytes without leading and trailing spaces, as `String.trimmingSpaces` (tabs are kept: an id
  /// holding one is refused).
  @inline(__always)
  static func trimmingSpaces(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0, end = bytes.count
    while start < end, bytes[start] == 0x20 { start += 1 }
    while end > start, bytes[end - 1] == 0x20 { end -= 1 }
    return UnsafeBufferPointer(rebasing: bytes[start..<end])
  }

  private func extraCellsEmpty(_ chunk: CSVChunk, _ row: Int, from width: Int) -> Bool {
    (width..<chunk.fieldCount(row)).allSatisfy { column in chunk.withField(row, column) { $0.allSatisfy { $0 == 0x20 } } }
  }

  /// Takes back the records this row had begun (newest first, so each is its table's last).
  private func rollback(_ draft: inout Facts.Draft, _ fresh: [Bool], _ indices: [Int?]) {
    for r in fresh.indices where fresh[r] && indices[r] != nil {
      draft.removeLast(roleEntity[r])
    }
  }
}

extension String {
  /// Without leading and trailing spaces. Tabs are not trimmed: an id or name holding one is refused.
  var trimmingSpaces: String {
    guard let f = utf8.first, let l = utf8.last, f == 0x20 || l == 0x20 else { return self }
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
