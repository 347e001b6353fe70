import PolicyEval

extension BatchRunner {
  /// A CSV chunk's group tables computed again without the rows the merge rejected (a dispatch id
  /// repeated from an earlier chunk, an ID number that belongs to another person): a rejected row
  /// must not count toward an aggregate such as 三都's distinct workers per lead entrepreneur.
  /// Only chunks where such a row was a group member pay for it (`ChunkWork.dropsGroupMember`); the
  /// evaluation of the others is untouched.
  func regroup(_ decoded: RowDecoder.Decoded, dropping: Set<String>) -> [String: GroupTable] {
    let rowKind = program.rowKind ?? 0
    var facts = decoded.facts
    let rows = facts.tables[rowKind]
    var kept = Facts.Table(like: rows)
    var lines: [Int] = []
    for i in 0..<min(rows.count, decoded.lines.count) where !dropping.contains(rows.ids[i]) {
      kept.append(id: rows.ids[i], record: rows.record(i), span: rows.span(of: i))
      lines.append(decoded.lines[i])
    }
    facts.tables[rowKind] = kept
    var tables: [String: GroupTable] = [:]
    program.accumulateGroups(facts, asOf: options.asOf, into: &tables, position: { $0 < lines.count ? lines[$0] : Int.max })
    return tables
  }
}

extension BatchRunner {
  /// A JSON Lines chunk's group tables computed again without the dispatches the merge rejected: each
  /// line loaded again (the worker kept no facts), its rejected dispatches taken out, as `regroup`
  /// does for a CSV chunk.
  func regroup(jsonLines: [JSONLine], dropping: Set<String>) -> [String: GroupTable] {
    let loader = FactsLoader(schema: program.schema)
    var tables: [String: GroupTable] = [:]
    for jsonLine in jsonLines {
      guard case .success(let facts) = JSONLineFacts.load(jsonLine, file: options.input, schema: program.schema, loader: loader,
                                                         asOf: options.asOf) else { continue }
      let rows = facts.tables[program.rowKind ?? 0].count
      let part = RowDecoder.Decoded(facts: facts, lines: Array(repeating: jsonLine.line, count: rows))
      for (name, table) in regroup(part, dropping: dropping) { tables[name, default: GroupTable()].merge(table) }
    }
    return tables
  }
}

extension BatchRunner.ChunkWork {
  /// Whether a row of `dropped` (dispatch ids the merge rejected) was a member of a group rule about
  /// dispatches, so the chunk's groups must be computed again without it. Rules about other kinds
  /// read no dispatch, so their groups do not change. Without the worker's marks (not a CSV chunk),
  /// every dropped row may be a member.
  func dropsGroupMember(_ dropped: Set<String>) -> Bool {
    guard groupMemberRows.count == dispatchIDs.count else { return true }
    return dispatchIDs.indices.contains { groupMemberRows[$0] && dropped.contains(dispatchIDs[$0]) }
  }
}
