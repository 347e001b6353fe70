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
