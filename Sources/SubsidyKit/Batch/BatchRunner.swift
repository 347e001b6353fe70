import Dispatch
import Foundation
import Ledger
import PolicyEval
import PolicySupport
import PolicyValues

/// Options of one batch run.
public struct BatchOptions: Sendable {
  public var input: String
  public var asOf: CivilDate
  public var outPath: String?
  public var rejectsPath: String?
  /// `--explain`: each payouts row's explanation, one JSON line per row (`PayoutOutput`).
  public var explainPath: String?
  public var excelBOM = false
  public var showPII = false
  public var chunkRows = BatchOptions.defaultChunkRows
  /// Rows a worker decodes and evaluates at once. Measured on 1M generated rows: 1,024 is as fast as
  /// 4,096 or faster (a chunk's columns stay in the core's cache) and holds 30 MB less in flight.
  public static let defaultChunkRows = 1_024
  public var threads = ProcessInfo.processInfo.activeProcessorCount
  public var progress = false
  /// The language of the rejects' reasons (the CLI's `--lang`, the server's `?lang=`); the columns
  /// and values keep the contract's names.
  public var language: DiagnosticLanguage = .zh
  /// What the state spanning rows may hold in memory before it spills to a temporary database.
  public var memory = MemoryBudget()
  /// Set to stop the run (Ctrl-C); checked between batches of chunks.
  public var cancellation: Cancellation?
  /// At most this many rows are read (nil: no limit; the server's `--max-batch-rows`): one more
  /// stops the run with `RowLimitExceeded`, before the rest of the input is read.
  public var maxRows: Int?
  public struct RowLimitExceeded: Error, Sendable { public let limit: Int }
  public init(input: String, asOf: CivilDate) {
    self.input = input
    self.asOf = asOf
  }
}

/// How the batch talks to the ledger (nil: no ledger): which keys are paid, and recording payments.
public struct LedgerHooks {
  public var paidKeys: ([String]) throws -> Set<String>
  /// Records payments; returns, per payment, false when it turned out already paid.
  public var record: (([PaymentRecord]) throws -> [Bool])?
  /// Whether the ledger's identities (earlier batches) disagree with a person's ID number: the reason, or nil.
  public var identityConflict: ((IdentityRecord) throws -> IdentityConflict?)?
  /// Records an identity the batch accepted (when committing).
  public var recordIdentity: ((IdentityRecord) throws -> Void)?
  /// Told a chunk's claims before they are checked one by one, so a server ledger asks once.
  public var prefetchIdentities: (([IdentityRecord]) throws -> Void)?
  public init(paidKeys: @escaping ([String]) throws -> Set<String>, record: (([PaymentRecord]) throws -> [Bool])?,
              identityConflict: ((IdentityRecord) throws -> IdentityConflict?)? = nil, recordIdentity: ((IdentityRecord) throws -> Void)? = nil,
              prefetchIdentities: (([IdentityRecord]) throws -> Void)? = nil) {
    self.paidKeys = paidKeys
    self.record = record
    self.identityConflict = identityConflict
    self.recordIdentity = recordIdentity
    self.prefetchIdentities = prefetchIdentities
  }
}

/// Where a batch writes: each an `OutputFile` the caller commits once the whole run (and any ledger
/// commit) has succeeded, so a failed run leaves no half-written file; nil payouts go to stdout.
public struct BatchOutputs {
  public var payouts: OutputFile?
  public var rejects: OutputFile?
  /// Each payouts row's explanation (`--explain`); nil: none are made.
  public var explanations: OutputFile?
  public init(payouts: OutputFile?, rejects: OutputFile?, explanations: OutputFile? = nil) {
    self.payouts = payouts
    self.rejects = rejects
    self.explanations = explanations
  }

  /// Opens temporary files for `options`' paths.
  public static func open(_ options: BatchOptions) throws -> BatchOutputs {
    BatchOutputs(payouts: try options.outPath.map(OutputFile.init), rejects: try options.rejectsPath.map(OutputFile.init),
                 explanations: try options.explainPath.map(OutputFile.init))
  }

  /// Puts every file in place.
  public func commit() throws {
    try payouts?.commit()
    try rejects?.commit()
    try explanations?.commit()
  }
}

/// Streams a batch CSV through the compiled policies: rows in, payouts and rejects out.
///
/// Rows are read in chunks; each group of chunks is decoded and evaluated on all cores; results are
/// merged in input order. What spans rows is kept across the whole file: the one payment a limit
/// allows (best claim per key), group aggregates, and which people and organisations were judged.
public final class BatchRunner: Sendable {
  let program: Program
  let options: BatchOptions
  /// Facts with no record, made once: a chunk starts from (and ends as) a copy, where making them from
  /// the schema looked up every field's form again for each chunk of the file.
  let emptyFacts: Facts

  public init(program: Program, options: BatchOptions) {
    self.program = program
    self.options = options
    emptyFacts = Facts(schema: program.schema)
  }

  struct ChunkWork: Sendable {
    /// A CSV input's records as read; the worker splits them into fields.
    var slab: CSVSlab?
    /// For a JSON Lines input: the chunk's lines instead of CSV records.
    var jsonLines: [JSONLine] = []
    var rowCount: Int { slab?.records ?? jsonLines.count }
    /// Why the worker could not split the slab (a file that reads as GBK): the run stops when this
    /// chunk's turn to merge comes, as it would have stopped reading there.
    var failure: CSVReader.Failure?
    var decoded: RowDecoder.Decoded?
    /// Kept results as the lines they will be written as (made here, on a worker, not on the merging
    /// thread; far smaller than the results), each list in input order.
    var rowResults: [PayoutRow] = []
    var entityResults: [PayoutRow] = []
    var groups: [String: GroupTable] = [:]
    /// For a CSV chunk: per dispatch record, whether a group rule about dispatches took it as a member.
    var groupMemberRows: [Bool] = []
    /// Refused results by rule index: counted, not built.
    var refused: [Int] = []
    /// The chunk's ID numbers per person, checked across the file in input order.
    var identities = IdentityClaims()
    /// Each dispatch's id and its fingerprint, by record, for the file-wide repeated-id check. The
    /// decoded facts themselves are dropped once evaluated (they were most of a chunk's memory
    /// while it waits to be merged); the rare chunk that must be regrouped is decoded again from `slab`.
    var dispatchIDs: [String] = []
    /// Each dispatch's line: a CSV row's own; a JSON Lines line's for each dispatch it holds.
    var dispatchLines: [Int] = []
    var dispatchHashes: [UInt64] = []
    var dispatchSerials: [IDSerial?] = []
    var firstRow = 0
  }

  public func run(ledger: LedgerHooks?, outputs: BatchOutputs, into d: inout DiagnosticBag) throws -> BatchSummary {
    try run(reading: nil, ledger: ledger, outputs: outputs, into: &d)
  }

  /// `input`: the CSV already open (the fuzz targets in `Fuzz/` read bytes in memory, named
  /// `options.input` in messages); nil opens `options.input`, CSV or JSON Lines by its name.
  public func run(reading input: CSVReader?, ledger: LedgerHooks?, outputs: BatchOutputs, into d: inout DiagnosticBag) throws -> BatchSummary {
    let started = DispatchTime.now()
    var summary = BatchSummary()
    guard input != nil || FileManager.default.isReadableFile(atPath: options.input) else {
      d.add(.error("file-not-found", "cannot read `\(options.input)`", zh: "无法读取 `\(options.input)`", at: nil))
      return summary
    }
    let isJSONLines = input == nil && (options.input.hasSuffix(".jsonl") || options.input.hasSuffix(".ndjson"))
    var reader: CSVReader?
    var lineReader: LineReader?
    var decoder: RowDecoder?
    if isJSONLines {
      lineReader = try LineReader(path: options.input)
    } else {
      let csv = try input ?? CSVReader(path: options.input)
      guard let headerChunk = try csv.next(maxRecords: 1), headerChunk.count == 1 else {
        d.add(.error("empty-file", "`\(options.input)` has no header row", zh: "`\(options.input)` 没有表头行", at: SourceSpan(file: options.input, line: 1, column: 1)))
        return summary
      }
      let header = (0..<headerChunk.fieldCount(0)).map { headerChunk.string(0, $0) }
      guard let plan = ColumnPlan.make(header: header, schema: program.schema, file: options.input, into: &d) else { return summary }
      decoder = RowDecoder(schema: program.schema, plan: plan, showPII: options.showPII)
      reader = csv
    }
    let rowDecoder = decoder

    var payouts = PayoutOutput(payouts: CSVWriter(file: outputs.payouts, excelBOM: options.excelBOM),
                               explanations: outputs.explanations.map { JSONLinesWriter(file: $0) })
    var rejects = outputs.rejects.map { CSVWriter(file: $0, excelBOM: options.excelBOM) }
    try payouts.payouts.row(PayoutRow.header)
    try rejects?.row(["line", "column", "value", "reason"])

    let ruleNames = program.ruleNames
    summary.learnClauses(ruleNames)
    summary.learnKinds(program.checkedPolicies)
    // `--memory` is the run's: the process and the chunks in flight are counted before the pool.
    let spill = SpillPlace(budget: options.memory.crossRowShare(resident: ProcessMemory.residentBytes() ?? 40 << 20,
                                                                chunkRows: options.chunkRows, threads: options.threads),
                           ceiling: options.memory)
    // Kept results carry their explanation for a ledger that records them, and with words for `--explain`.
    let explanation = KeptExplanation(program: program, forLedger: ledger?.record != nil,
                                      wordsIn: outputs.explanations == nil ? nil : TextReport.Language(rawValue: options.language.rawValue),
                                      showPII: options.showPII)
    var merge = MergeState(program: program, asOf: options.asOf, explanation: explanation, showPII: options.showPII, place: spill)
    let progress = Progress(enabled: options.progress, total: reader?.fileSize ?? lineReader?.fileSize)
    var rowNumber = 0
    func readChunk() throws -> ChunkWork? {
      let work: ChunkWork
      if let reader, let slab = try reader.nextSlab(maxRecords: options.chunkRows) {
        work = ChunkWork(slab: slab, firstRow: rowNumber)
      } else if let lineReader, let lines = try lineReader.next(maxLines: max(1, options.chunkRows / 16)) {
        work = ChunkWork(jsonLines: lines, firstRow: rowNumber)
      } else {
        return nil
      }
      rowNumber += work.rowCount
      if let limit = options.maxRows, rowNumber > limit { throw BatchOptions.RowLimitExceeded(limit: limit) }
      return work
    }
    var dispatchIDs = DispatchIDRegistry(place: spill)
    var identities = IdentityRegistry(place: spill)
    let entityNames = program.schema.entities.map(\.name)
    let entityKinds = program.schema.entities.map { RejectReason.Kind(en: $0.name, zh: $0.label?.zh ?? $0.name) }
    let subjectKinds = program.ruleSubjectKinds
    func mergeChunk(_ item: ChunkWork) throws {
      if let failure = item.failure { throw failure }
      guard var decoded = item.decoded else { return }
      var rowResults = item.rowResults
      // A dispatch id seen in an earlier chunk: the row is rejected and its results dropped.
      var repeated = Set<String>()
      var firstLines: [String: Int] = [:]
      for (i, hash) in item.dispatchHashes.enumerated() where i < item.dispatchLines.count {
        let serial = i < item.dispatchSerials.count ? item.dispatchSerials[i] : nil
        if let earlier = try dispatchIDs.earlierLine(hash: hash, serial: serial, line: item.dispatchLines[i]) {
          let id = item.dispatchIDs[i]
          repeated.insert(id)
          if !decoded.repeatedInChunk.isEmpty { firstLines[id] = earlier }
          decoded.rejects.append(Reject(line: item.dispatchLines[i], column: item.slab != nil ? "dispatch_id" : "\(entityNames[program.rowKind ?? 0]).id", value: PIIMask.mask(id, show: options.showPII),
                                        reason: RejectReason.repeatedDispatch(earlier)))
        }
      }
      // A row of this chunk repeating one of those rows: the file's first line is the earlier chunk's.
      for (k, id) in decoded.repeatedInChunk {
        if let earlier = firstLines[id] { decoded.rejects[k].reason = RejectReason.repeatedDispatch(earlier) }
      }
      // An ID number under a second person id, or a second number for one id: rejected like a repeated id.
      var (conflicts, dropped, records) = try identities.reject(item.identities, skipping: repeated, kinds: entityKinds,
                                                                showPII: options.showPII, ledger: ledger, into: &decoded.rejects)
      repeated.formUnion(dropped)
      // Every record whose rows were rejected here, with a claim or not: its results dropped, or moved
      // to its first row still standing, as they are when the rows fall in chunks of their own.
      if item.slab != nil, !repeated.isEmpty, !item.entityResults.isEmpty, let rowDecoder {
        records.judgeRows(decoded.rowRecords, roles: rowDecoder.roleEntity, subjects: item.dispatchIDs, lines: decoded.lines,
                          firstLines: decoded.firstLines, ids: decoded.recordIDs, rejected: repeated)
      }
      // Each record's results kept, dropped or moved as its claim and rows were judged (not by id: a
      // person may have a record accepted and one rejected in a chunk).
      var entityResults = records.apply(to: item.entityResults, kinds: subjectKinds)
      if item.slab == nil, !repeated.isEmpty, !entityResults.isEmpty {
        // JSON Lines: a line's records rest on its dispatches; a line all of whose dispatches are
        // rejected here brings no result, as a line the worker rejects brings none.
        var standing: [Int: Bool] = [:]
        for (i, id) in item.dispatchIDs.enumerated() where i < item.dispatchLines.count {
          standing[item.dispatchLines[i], default: false] = standing[item.dispatchLines[i], default: false] || !repeated.contains(id)
        }
        entityResults.removeAll { standing[$0.line] == false }
      }
      if !repeated.isEmpty { rowResults.removeAll { repeated.contains($0.subject) } }
      summary.rowsRead += item.rowCount
      summary.rowsRejected += decoded.rejects.count
      summary.rowsEvaluated += decoded.lines.count - repeated.count + dropped.count - conflicts
      summary.countRefused(item.refused, names: ruleNames)
      for reject in decoded.rejects.sorted(by: { $0.line < $1.line }) {
        try rejects?.row([String(reject.line), reject.column, reject.value, reject.reason.text(in: options.language)])
      }
      // Rows rejected here were evaluated on the worker: their share of group aggregates is taken back,
      // when they have one (a row no group rule took as a member has none).
      var groups = item.groups
      if !repeated.isEmpty, program.hasGroupRules, item.dropsGroupMember(repeated) {
        if let slab = item.slab, let rowDecoder {
          groups = regroup(rowDecoder.decode(try slab.parse(), asOf: options.asOf), dropping: repeated)
        } else if !item.jsonLines.isEmpty {
          groups = regroup(jsonLines: item.jsonLines, dropping: repeated)
        }
      }
      try merge.take(rows: rowResults, entities: entityResults, groups: groups, ledger: ledger, summary: &summary, out: &payouts)
      progress.update(rows: summary.rowsRead, bytes: reader?.bytesConsumed ?? lineReader?.bytesConsumed ?? 0)
    }
    let explainKept = explanation.kept
    let debug = ProcessInfo.processInfo.environment["SUBSIDY_BATCH_DEBUG"] != nil
    if debug { FileHandle.standardError.write(Data("peak before the rows: \((ProcessMemory.peakBytes() ?? 0) >> 10) KB\n".utf8)) }
    let pipeline = ChunkPipeline<ChunkWork, ChunkWork>(threads: options.threads, cancellation: options.cancellation)
    try pipeline.run(read: readChunk, work: { [self] in evaluate($0, decoder: rowDecoder, explanation: explanation) }, merge: mergeChunk)
    try options.cancellation?.check()
    if debug {
      FileHandle.standardError.write(Data("held across rows: \(dispatchIDs.summary), \(identities.summary), \(merge.heldCounts)\(spill.isOpen ? " (spilled to disk)" : ""); \(spill.heldSummary); budget \(spill.budget >> 10) KB; peak before the end \((ProcessMemory.peakBytes() ?? 0) >> 10) KB\n".utf8))
    }
    // No row comes after the last chunk: the registries' memory (and files) go before the limit
    // winners and the groups are written out, which the pool then has to itself.
    dispatchIDs.removeAll()
    identities.removeAll()
    // Their pages given back to the system now: the end phase judges groups on a thread of its own
    // (`GroupJudging`), whose allocations come from another of the allocator's arenas and could not
    // reuse them, so the run's peak rose by their size (94 → 97.6 MB at 1M rows).
    ProcessMemory.releaseFreedMemory()
    try merge.finish(ledger: ledger, summary: &summary, out: &payouts)
    try payouts.flush()
    try rejects?.flush()
    progress.finish()
    // A Ctrl-C during the last writes still stops the run: the caller then puts no file in place and
    // commits nothing, as for one during the chunks.
    try options.cancellation?.check()
    summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    return summary
  }

  /// Decodes and evaluates one chunk, on a worker. `explanation`: what results that are kept (not
  /// refused) carry, for the ledger and for `--explain`.
  private func evaluate(_ input: ChunkWork, decoder: RowDecoder?, explanation: KeptExplanation) -> ChunkWork {
    let explainKept = explanation.kept
    let program = self.program, asOf = options.asOf
    var item = input
    var refused = [Int](repeating: 0, count: program.ruleCount)
    var tables: [String: GroupTable] = [:]
    // A CSV chunk is one set of facts; a JSON Lines chunk is one set per line.
    var parts: [(facts: Facts, lines: [Int], firstLines: [[Int]]?, line: Int)] = []
    var decoded: RowDecoder.Decoded
    if let decoder, let slab = item.slab {
      let chunk: CSVChunk
      do {
        chunk = try slab.parse()
      } catch {
        item.failure = error
        return item
      }
      decoded = decoder.decode(chunk, asOf: asOf)
      parts = [(decoded.facts, decoded.lines, decoded.firstLines, Int.max)]
      item.identities = IdentityClaims(decoded, schema: program.schema, rowKind: program.rowKind ?? 0)
    } else {
      decoded = RowDecoder.Decoded(facts: emptyFacts)
      let loader = FactsLoader(schema: program.schema)
      // Each dispatch id's line in this chunk: a later line repeating one is rejected whole here, as a
      // CSV row is by the decoder, so the merge's file-wide check meets each id once a chunk.
      var seen: [String: Int] = [:]
      lines: for jsonLine in item.jsonLines {
        switch JSONLineFacts.load(jsonLine, file: options.input, schema: program.schema, loader: loader, asOf: asOf) {
        case .success(let facts):
          for id in facts.tables[program.rowKind ?? 0].ids {
            if let earlier = seen[id] {
              decoded.repeatedInChunk.append((decoded.rejects.count, id))
              decoded.rejects.append(Reject(line: jsonLine.line, column: "\(program.schema.entities[program.rowKind ?? 0].name).id", value: PIIMask.mask(id, show: options.showPII),
                                            reason: RejectReason.repeatedDispatch(earlier)))
              continue lines
            }
          }
          for id in facts.tables[program.rowKind ?? 0].ids { seen[id] = jsonLine.line }
          item.identities.append(IdentityClaims(facts, line: jsonLine.line, schema: program.schema, rowKind: program.rowKind ?? 0))
          let rows = facts.tables[program.rowKind ?? 0].count
          parts.append((facts, Array(repeating: jsonLine.line, count: rows), nil, jsonLine.line))
          decoded.lines.append(jsonLine.line)
        case .failure(let reject):
          decoded.rejects.append(reject)
        }
      }
    }
    let kinds = program.ruleSubjectKinds
    for (facts, lines, firstLines, partLine) in parts {
      // The line a result's subject came from: a dispatch's own line, another record's first row
      // (a JSON Lines part is one line, `partLine`, which its claims name too).
      let explain = explanation.writer(facts: facts)
      func kept(_ results: [EvalResult]) -> [PayoutRow] {
        PayoutRow.inInputOrder(results.map { r in
          let kind = r.ruleIndex >= 0 && r.ruleIndex < kinds.count ? kinds[r.ruleIndex] : -1
          var line = lines.first ?? partLine
          // By the result's record, not its id: a person may have two records in a chunk (`RowDecoder`).
          if let firstLines, kind >= 0, r.record >= 0, r.record < firstLines[kind].count {
            line = firstLines[kind][r.record]
          }
          return PayoutRow(r, explanation: explain, line: line)
        })
      }
      item.rowResults += kept(program.evaluateRowRules(facts, asOf: asOf, refused: &refused, explainKept: explainKept))
      if program.hasEntityRules { item.entityResults += kept(program.evaluateEntityRules(facts, asOf: asOf, refused: &refused, explainKept: explainKept)) }
      if program.hasGroupRules {
        // A CSV chunk (one part) keeps which of its rows are group members, for `mergeChunk`.
        let rows = item.slab != nil ? facts.tables[program.rowKind ?? 0].count : 0
        var members = [Bool](repeating: false, count: rows)
        members.withUnsafeMutableBufferPointer { marks in
          program.accumulateGroups(facts, asOf: asOf, into: &tables, position: { $0 < lines.count ? lines[$0] : Int.max },
                                   memberRows: item.slab != nil ? marks : nil)
        }
        if item.slab != nil { item.groupMemberRows = members }
      }
    }
    item.refused = refused
    item.groups = tables
    if item.slab != nil {
      item.dispatchIDs = decoded.facts.tables[program.rowKind ?? 0].ids
      item.dispatchLines = decoded.lines
    } else {
      // A JSON Lines chunk: every line's dispatches, each with its line, for the file-wide check.
      for (facts, lines, _, _) in parts {
        let ids = facts.tables[program.rowKind ?? 0].ids
        item.dispatchIDs += ids
        item.dispatchLines += ids.indices.map { $0 < lines.count ? lines[$0] : lines.first ?? 0 }
      }
    }
    item.dispatchHashes = item.dispatchIDs.map(DispatchIDRegistry.fingerprint)
    item.dispatchSerials = item.dispatchIDs.map(IDSerial.init)
    // The records' ids outlive the facts: the merge names records by them (`ClaimedRecords.judgeRows`).
    if program.hasEntityRules, item.slab != nil { decoded.recordIDs = decoded.facts.tables.map(\.ids) }
    decoded.facts = emptyFacts
    item.decoded = decoded
    return item
  }
}
