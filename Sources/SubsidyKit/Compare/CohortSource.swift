import Foundation
import PolicyCheck
import PolicyEval
import PolicySupport
import PolicyValues

/// A piece of a cohort: a whole facts file (YAML/JSON), or one chunk of a batch CSV, which is read
/// chunk by chunk so memory does not grow with the file (see `CohortPieces`).
struct CohortChunk: Sendable {
  var facts: Facts
  /// The input position of each placement record (its CSV line), so group rules pick the same first
  /// member however the file is cut.
  var lines: [Int]
  /// Rows of a CSV that could not be decoded.
  var rejects: [Reject] = []
  var rows: Int
}

/// A batch CSV (contract columns), decoded chunk by chunk with the batch's reader and decoder.
struct CSVSource {
  let reader: CSVReader
  let decoder: RowDecoder
  let chunkRows: Int
  let asOf: CivilDate
  /// The `person_id` column, to pick out the rows of a few people without decoding the others.
  let personColumn: Int?

  /// Opens the file (or reads `bytes`, named `path`) and maps its header; nil (with diagnostics) when
  /// the header does not fit the schema.
  init?(path: String, bytes: [UInt8]? = nil, schema: FactSchema, asOf: CivilDate, chunkRows: Int, into d: inout DiagnosticBag) throws {
    do {
      reader = try bytes.map { CSVReader(bytes: $0) } ?? CSVReader(path: path)
    } catch {
      d.add(.error("file-not-found", "cannot read `\(path)`", zh: "无法读取 `\(path)`", at: nil))
      return nil
    }
    guard let headerChunk = try reader.next(maxRecords: 1), headerChunk.count == 1 else {
      d.add(.error("empty-file", "`\(path)` has no header row", zh: "`\(path)` 没有表头行", at: SourceSpan(file: path, line: 1, column: 1)))
      return nil
    }
    let header = (0..<headerChunk.fieldCount(0)).map { headerChunk.string(0, $0) }
    guard let plan = ColumnPlan.make(header: header, schema: schema, file: path, into: &d) else { return nil }
    decoder = RowDecoder(schema: schema, plan: plan, showPII: false)
    personColumn = header.firstIndex { $0.trimmingCharacters(in: .whitespaces).lowercased() == "person_id" }
    self.chunkRows = chunkRows
    self.asOf = asOf
  }

  /// The raw next chunk; decoding is left to the caller so it can run on several cores.
  func nextRaw() throws -> CSVChunk? { try reader.next(maxRecords: chunkRows) }

  func decode(_ chunk: CSVChunk) -> CohortChunk { Self.decode(chunk, decoder: decoder, asOf: asOf) }

  /// What a worker does with a raw chunk (it needs the decoder, not the reader).
  static func decode(_ chunk: CSVChunk, decoder: RowDecoder, asOf: CivilDate) -> CohortChunk {
    let decoded = decoder.decode(chunk, asOf: asOf)
    return CohortChunk(facts: decoded.facts, lines: decoded.lines, rejects: decoded.rejects, rows: chunk.count)
  }
}
