import GRDBSQLite
import PolicySupport

/// Where a batch keeps what spans rows once it outgrows its memory budget (`--memory`): a private,
/// temporary SQLite database, so memory stays flat however long the file. (The fingerprint
/// registries, which every row passes through, spill to sorted runs instead: `FingerprintRuns`.)
///
/// SQLite's empty file name opens a database on disk that no other process can name and that SQLite
/// deletes when it is closed (or when the process dies: the file is unlinked as soon as it is open),
/// so a failed run leaves nothing behind. Its page cache is bounded (`cache_size`), and pages past it
/// go to the file. There is no journal and no sync: the data is worthless once the run ends.
///
/// Used from the merging thread only: a batch's cross-row state is merged in input order on one thread.
final class SpillStore {
  private var db: OpaquePointer?
  private var statements: [String: OpaquePointer] = [:]

  /// The page cache, in KiB: what the store adds to the process's memory at most.
  static let cacheKiB = 8 * 1024

  init() throws {
    guard sqlite3_open_v2("", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close(db)
      throw SpillError(text: LocalizedText("cannot open a temporary database to spill to: \(message)",
                                           zh: "无法打开用于暂存的临时数据库：`\(message)`"))
    }
    try execute("""
      PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -\(Self.cacheKiB);
      PRAGMA temp_store = FILE; PRAGMA locking_mode = EXCLUSIVE;
      BEGIN;
      """)
  }

  deinit {
    for statement in statements.values { sqlite3_finalize(statement) }
    sqlite3_close(db)
  }

  /// Runs statements that return no rows (schema, pragmas).
  func execute(_ sql: String) throws {
    var error: UnsafeMutablePointer<CChar>?
    guard sqlite3_exec(db, sql, nil, nil, &error) == SQLITE_OK else {
      let message = error.map { String(cString: $0) } ?? "unknown error"
      sqlite3_free(error)
      throw SpillError(text: LocalizedText("the temporary database refused `\(sql.prefix(60))`: \(message)",
                                           zh: "临时数据库拒绝了 `\(sql.prefix(60))`：`\(message)`"))
    }
  }

  /// A bound value.
  enum Argument {
    case int(Int64)
    case text(String)
    case null
  }

  /// One row of a query's answer.
  struct Row {
    fileprivate let statement: OpaquePointer
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    /// The column's text, whole: a group's key text may hold any character, NUL included.
    func text(_ column: Int32) -> String {
      guard let bytes = sqlite3_column_text(statement, column) else { return "" }
      return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }
  }

  /// A statement prepared once, for a caller that runs it for every row: its handle is held by the
  /// caller, so running it does not hash its text to find it. Finalized when the store closes.
  struct Statement {
    fileprivate let handle: OpaquePointer
    fileprivate let sql: String
  }

  /// Prepares `sql` for `run(_:_:row:)`.
  func prepare(_ sql: String) throws -> Statement {
    Statement(handle: try prepared(sql), sql: sql)
  }

  /// Runs `sql` (prepared once and kept) with `arguments`, calling `row` for each row of its answer.
  /// Returns the number of rows the statement changed.
  @discardableResult
  func run(_ sql: String, _ arguments: [Argument] = [], row: (Row) throws -> Void = { _ in }) throws -> Int {
    try run(prepare(sql), arguments, row: row)
  }

  /// Runs a prepared statement with `arguments`, calling `row` for each row of its answer.
  /// Returns the number of rows the statement changed.
  @discardableResult
  func run(_ prepared: Statement, _ arguments: [Argument] = [], row: (Row) throws -> Void = { _ in }) throws -> Int {
    let statement = prepared.handle, sql = prepared.sql
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
    }
    for (i, argument) in arguments.enumerated() {
      let index = Int32(i + 1)
      switch argument {
      case .int(let v): sqlite3_bind_int64(statement, index, v)
      case .null: sqlite3_bind_null(statement, index)
      case .text(let s):
        // SQLITE_TRANSIENT: SQLite copies the bytes, which live only for this call.
        _ = s.utf8CString.withUnsafeBufferPointer { buffer in
          sqlite3_bind_text(statement, index, buffer.baseAddress, Int32(buffer.count - 1), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
      }
    }
    while true {
      let step = sqlite3_step(statement)
      if step == SQLITE_DONE { break }
      guard step == SQLITE_ROW else { throw failure(sql) }
      try row(Row(statement: statement))
    }
    return Int(sqlite3_changes(db))
  }

  private func prepared(_ sql: String) throws -> OpaquePointer {
    if let statement = statements[sql] { return statement }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw failure(sql) }
    statements[sql] = statement
    return statement
  }

  private func failure(_ sql: String) -> SpillError {
    let reason = String(cString: sqlite3_errmsg(db))
    // Only a full or failing disk is the user's to fix; any other failure is the program's.
    let code = sqlite3_errcode(db) & 0xFF
    let disk = code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN
    return SpillError(text: LocalizedText("the temporary database failed on `\(sql.prefix(60))`: \(reason)" + (disk ? SpillError.diskFullHint.en : ""),
                                          zh: "临时数据库执行 `\(sql.prefix(60))` 失败：`\(reason)`" + (disk ? SpillError.diskFullHint.zh : "")))
  }
}

/// The temporary database failed (a full disk, most likely): the run stops, and writes nothing.
struct SpillError: LocalizedFailure {
  var text: LocalizedText

  /// Added where the system says the disk is full (or, for the store, failing): only then is it the
  /// user's to fix.
  static let diskFullHint = LocalizedText(" (is the temporary folder's disk full?)", zh: "（临时文件夹所在的磁盘是否已满？）")
}
