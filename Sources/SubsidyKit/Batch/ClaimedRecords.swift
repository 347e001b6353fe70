/// What the merge decided about a chunk's records with an ID number (`IdentityRegistry.reject`),
/// record by record: whose results are dropped, and whose results move to another line.
///
/// A record is named by its kind, its id and its first line in the chunk, as its results are
/// (`PayoutRow.line` is a record's first row): one person id may have two records in a chunk, one
/// per ID number (`RowDecoder`), one accepted and the other rejected, and each keeps or loses only
/// its own results, as the records of two chunks would.
struct ClaimedRecords {
  struct Key: Hashable {
    var kind: Int
    var id: String
    var line: Int
  }

  /// Records whose claim was rejected, or whose every row was rejected at the merge (a repeated
  /// dispatch id): they bring no result, as a record begun by a row the decoder rejects is taken back.
  var dropped: Set<Key> = []
  /// Records whose first row was rejected at the merge but a later row was not: their results are
  /// written at that row's line, where a chunk beginning there would have put them.
  var moved: [Key: Int] = [:]

  var isEmpty: Bool { dropped.isEmpty && moved.isEmpty }

  /// A chunk's results about records (people, organisations…, in input order) without the dropped
  /// records' and with the moved ones' at their line, in input order again. `kinds`: each rule's
  /// subject kind, by rule index.
  func apply(to results: [PayoutRow], kinds: [Int]) -> [PayoutRow] {
    guard !isEmpty else { return results }
    var out: [PayoutRow] = []
    out.reserveCapacity(results.count)
    var moving = false
    for var r in results {
      let kind = r.ruleIndex >= 0 && r.ruleIndex < kinds.count ? kinds[r.ruleIndex] : -1
      let key = Key(kind: kind, id: r.subject, line: r.line)
      if dropped.contains(key) { continue }
      if let line = moved[key] {
        r.line = line
        moving = true
      }
      out.append(r)
    }
    return moving ? PayoutRow.inInputOrder(out) : out
  }
}

extension ClaimedRecords {
  /// Every record of a CSV chunk whose rows the merge rejected (a dispatch id repeated from an earlier
  /// chunk, a refused claim), with an ID number or not: a record all of whose rows are rejected
  /// brings no result, and one whose first row is rejected has its results at its first row still
  /// standing, as a record begun by a row the decoder rejects is taken back and begun again by the
  /// next row. So an organisation, a household or a person without a number gives the same results
  /// however the file is cut. Records with a claim come out as `IdentityRegistry.reject` judged them
  /// (a refused claim's rows are all rejected).
  ///
  /// `rowRecords`: per accepted row, each role's record (`RowDecoder.Decoded.rowRecords`); `roles`:
  /// each role's entity kind, role 0 being the row's own record (its results go with the row);
  /// `subjects` and `lines`: each accepted row's dispatch id and line; `rejected`: the dispatch ids
  /// rejected at the merge.
  mutating func judgeRows(_ rowRecords: [Int32], roles: [Int], subjects: [String], lines: [Int], firstLines: [[Int]],
                          ids: [[String]], rejected: Set<String>) {
    let roleCount = roles.count
    guard roleCount > 1, !rejected.isEmpty else { return }
    let rows = min(rowRecords.count / roleCount, subjects.count, lines.count)
    // Per kind and record: unseen (-2), seen with no row standing yet (-1), or its first standing row's line.
    var standing = firstLines.map { [Int](repeating: -2, count: $0.count) }
    for i in 0..<rows {
      let stands = !rejected.contains(subjects[i])
      for r in 1..<roleCount {
        let k = roles[r], j = Int(rowRecords[i * roleCount + r])
        guard j >= 0, k >= 0, k < standing.count, j < standing[k].count else { continue }
        if standing[k][j] == -2 { standing[k][j] = -1 }
        if stands, standing[k][j] == -1 { standing[k][j] = lines[i] }
      }
    }
    for k in standing.indices where k < ids.count {
      for j in standing[k].indices where standing[k][j] != -2 && j < ids[k].count {
        let key = Key(kind: k, id: ids[k][j], line: firstLines[k][j])
        if standing[k][j] == -1 {
          dropped.insert(key)
          moved[key] = nil
        } else if standing[k][j] != firstLines[k][j], !dropped.contains(key) {
          moved[key] = standing[k][j]
        }
      }
    }
  }
}
