import GRDB

/// Which of many keys are paid, in chunks of bound parameters.
///
/// Chunks stay under SQLite's historic 999-variable limit so any libsqlite3
/// works, and each chunk is one probe of the partial unique index per key; a
/// batch of 100 000 keys is about a hundred statements, with no temp table, so
/// the same code runs on a read-only snapshot and inside a write transaction.
enum KeyLookup {
  static let chunkSize = 900

  static func paidKeys(_ db: Database, among keys: [String]) throws -> Set<String> {
    var paid = Set<String>()
    let unique = Array(Set(keys))
    var start = 0
    while start < unique.count {
      let end = min(start + chunkSize, unique.count)
      let chunk = Array(unique[start..<end])
      let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
      let sql = "SELECT key FROM payment WHERE voided_at IS NULL AND key IN (\(placeholders))"
      let found = try String.fetchAll(db, sql: sql, arguments: StatementArguments(chunk))
      paid.formUnion(found)
      start = end
    }
    return paid
  }
}
