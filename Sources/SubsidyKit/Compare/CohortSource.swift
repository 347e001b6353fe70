import PolicyCheck
import PolicyEval
import PolicySupport
import PolicyValues

/// A cohort read in pieces: a facts file (YAML/JSON) is one piece, a batch CSV is read chunk by
/// chunk so memory does not grow with the file.
struct CohortChunk {
  var facts: Facts
  /// The input position of each placement record (its CSV line), so group rules pick the same first
  /// member however the file is cut.
  var lines: [Int]
  /// Rows of a CSV that could not be decoded.
  var rejects: [Reject] = []
  var rows: Int
}

protocol CohortSource {
  mutating func next() throws -> CohortChunk?
}

/// A facts file in the contract's format, loaded whole: one chunk.
struct FactsFileSource: CohortSource {
  var facts: Facts?

  mutating func next() throws -> CohortChunk? {
    guard let facts else { return nil }
    self.facts = nil
    let placements = facts.tables.first { _ in true }.map { _ in 0 } ?? 0
    _ = placements
    return CohortChunk(facts: facts, lines: [], rows: 0)
  }
}

/// A batch CSV (contract columns), decoded chunk by chunk with the batch's reader and decoder.
struct CSVSource: CohortSource {
  let reader: CSVReader
  let decoder: RowDecoder
  let chunkRows: Int
  let asOf: CivilDate

  /// Opens the file and maps its header; nil (with diagnostics) when the header does not fit the schema.
  init?(path: String, schema: FactSchema, asOf: CivilDate, chunkRows: Int, into d: inout DiagnosticBag) throws {
    do {
      reader = try CSVReader(path: path)
    } catch {
      d.add(.error("file-not-found", "cannot read `\(path)`", at: nil))
      return nil
    }
    guard let headerChunk = try reader.next(maxRecords: 1), headerChunk.count == 1 else {
      d.add(.error("empty-file", "`\(path)` has no header row", at: SourceSpan(file: path, line: 1, column: 1)))
      return nil
    }
    let header = (0..<headerChunk.fieldCount(0)).map { headerChunk.string(0, $0) }
    guard let plan = ColumnPlan.make(header: header, schema: schema, file: path, into: &d) else { return nil }
    decoder = RowDecoder(schema: schema, plan: plan, showPII: false)
    self.chunkRows = chunkRows
    self.asOf = asOf
  }

  /// The raw next chunk; decoding is left to the caller so it can run on several cores.
  func nextRaw() throws -> CSVChunk? { try reader.next(maxRecords: chunkRows) }

  func decode(_ chunk: CSVChunk) -> CohortChunk {
    let decoded = decoder.decode(chunk, asOf: asOf)
    return CohortChunk(facts: decoded.facts, lines: decoded.lines, rejects: decoded.rejects, rows: chunk.count)
  }

  mutating func next() throws -> CohortChunk? {
    try nextRaw().map(decode)
  }
}
