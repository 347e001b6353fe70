import PolicySupport
import GRDB

/// Checked at the start of every commit, inside its transaction: a ledger whose file is damaged, or
/// whose unique index or append-only triggers were dropped or changed (by hand, or a bad restore),
/// is refused. Without the unique partial index `ON CONFLICT DO NOTHING` has nothing to conflict
/// with, and re-committing a file recorded every payment a second time.
///
/// The expected schema is not a second copy of the migrations: it is what the migrations produce
/// in an empty in-memory database, compared object by object (whitespace aside).
enum LedgerIntegrity {
  struct SchemaObject: Hashable {
    var type: String
    var name: String
    var sql: String
  }

  /// Tables, indexes and triggers the migrations create, by name.
  static let expected: [String: SchemaObject] = {
    guard let queue = try? DatabaseQueue(), (try? LedgerSchema.migrator.migrate(queue)) != nil,
      let objects = try? queue.read(schemaObjects)
    else { return [:] }
    return Dictionary(objects.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
  }()

  static func check(_ db: Database, path: String) throws {
    let problems = try String.fetchAll(db, sql: "PRAGMA quick_check")
    guard problems == ["ok"] else {
      let found = problems.prefix(3).joined(separator: "; ")
      throw LedgerError.damaged(path, LocalizedText("SQLite's check found " + found, zh: "SQLite 的检查发现：`\(found)`"))
    }
    let present = Dictionary(try schemaObjects(db).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    for (name, object) in expected.sorted(by: { $0.key < $1.key }) {
      guard let found = present[name] else {
        throw LedgerError.damaged(path, LocalizedText("its \(object.type) `\(name)` is missing", zh: "缺少\(kindZh(object.type)) `\(name)`"))
      }
      guard found == object else {
        throw LedgerError.damaged(path, LocalizedText("its \(object.type) `\(name)` is not the one the ledger was created with",
                                                      zh: "\(kindZh(object.type)) `\(name)` 与创建台账时的不同"))
      }
    }
    if let extra = present.values.first(where: { $0.type == "trigger" && expected[$0.name] == nil }) {
      throw LedgerError.damaged(path, LocalizedText("it has a trigger `\(extra.name)` the ledger never had", zh: "多了台账从未有过的触发器 `\(extra.name)`"))
    }
  }

  /// "table", "index", "trigger" in Chinese.
  static func kindZh(_ type: String) -> String {
    switch type {
    case "table": "表"
    case "index": "索引"
    case "trigger": "触发器"
    default: "`\(type)`"
    }
  }

  /// Every table, index and trigger with its SQL, whitespace collapsed (SQLite keeps it as written).
  /// SQLite's own objects and GRDB's migration table (whose text is GRDB's, not ours) are left out.
  static func schemaObjects(_ db: Database) throws -> [SchemaObject] {
    try Row.fetchAll(db, sql: """
      SELECT type, name, sql FROM sqlite_master
      WHERE type IN ('table', 'index', 'trigger') AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
      """).map { row in
      let sql: String = row["sql"]
      return SchemaObject(type: row["type"], name: row["name"], sql: sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " "))
    }
  }
}
