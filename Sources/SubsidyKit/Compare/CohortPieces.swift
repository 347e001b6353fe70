import PolicyEval
import PolicyValues

/// Feeds a cohort to the comparison a batch of chunks at a time: the chunks of a batch are decoded
/// and evaluated on all cores, then merged one by one in input order (so the result does not
/// depend on the number of threads).
struct CohortPieces {
  let asOf: CivilDate
  private var csv: CSVSource?
  private var facts: Facts?

  init(csv: CSVSource, asOf: CivilDate) {
    self.csv = csv
    self.asOf = asOf
  }

  init(facts: Facts, asOf: CivilDate) {
    self.facts = facts
    self.asOf = asOf
  }

  private enum Piece: Sendable {
    /// A CSV chunk, with the source's decoder to decode it on a worker.
    case raw(CSVChunk, RowDecoder)
    case decoded(CohortChunk)
  }

  /// With `onlyPeople`, CSV rows of other people are dropped before decoding (the explaining pass
  /// needs a few people, and decoding is most of its cost); a facts file is passed whole. Chunks are
  /// decoded and worked on all cores and merged in input order by the one `ChunkPipeline`.
  mutating func forEachBatch<R: Sendable>(threads: Int, onlyPeople: Set<String>? = nil, cancellation: Cancellation? = nil,
                                          _ work: @escaping @Sendable (CohortChunk) -> R, merge: (CohortChunk, R) throws -> Void) throws {
    var whole = facts
    facts = nil
    let source = csv
    let personColumn = csv?.personColumn, asOf = self.asOf
    let wanted = onlyPeople
    let pipeline = ChunkPipeline<Piece, (CohortChunk, R)>(threads: threads, cancellation: cancellation)
    try pipeline.run(read: {
      if let all = whole {
        whole = nil
        return .decoded(CohortChunk(facts: all, lines: [], rows: 0))
      }
      guard let source, let raw = try source.nextRaw() else { return nil }
      return .raw(raw, source.decoder)
    }, work: { piece in
      let chunk: CohortChunk
      switch piece {
      case .decoded(let c): chunk = c
      case .raw(let raw, let decoder):
        let rows = wanted.flatMap { wanted in personColumn.map { column in raw.filtered { wanted.contains(raw.string($0, column).trimmingSpaces) } } } ?? raw
        chunk = CSVSource.decode(rows, decoder: decoder, asOf: asOf)
      }
      return (chunk, work(chunk))
    }, merge: { try merge($0.0, $0.1) })
  }
}
