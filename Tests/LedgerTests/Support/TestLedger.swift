import Foundation
import Testing
@testable import Ledger
@testable import LedgerPostgres

/// The two stores every ledger test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case sqlite, postgres
  var testDescription: String { rawValue }

  /// What a parameterised ledger test runs on: SQLite always, PostgreSQL when a server is set.
  /// Without one, `PostgresLedgerTests` is reported skipped with `TestPostgres.skipReason`, so a
  /// run never counts a PostgreSQL case as passed that did not run.
  static var configured: [StoreKind] { TestPostgres.isConfigured ? [.sqlite, .postgres] : [.sqlite] }
}

/// The PostgreSQL server the tests use: `SUBSIDY_TEST_POSTGRES` (a `postgres://` URL of a database
/// the tests may create databases from), which `.ci/run` and `.ci/with-postgres` set after
/// starting a throw-away server. Without it the PostgreSQL variants are skipped, and say so.
enum TestPostgres {
  static let variable = "SUBSIDY_TEST_POSTGRES"
  static var url: String? { ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 } }
  static var isConfigured: Bool { url != nil }
  static let skipReason: Comment = "SUBSIDY_TEST_POSTGRES is not set: the PostgreSQL ledger and the PostgreSQL cases of every parameterised ledger test are NOT run (start a server with: bash .ci/with-postgres swift test)"

  /// Runs one statement on the server's base database.
  static func admin(_ sql: String) throws {
    let base = try #require(url, skipReason)
    let session = try PostgresSession(try PostgresAddress(url: base))
    try session.query(sql)
  }

  /// A new, empty database for one test; its URL.
  static func freshDatabase() throws -> String {
    let name = "ledger_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    try admin("CREATE DATABASE \(name)")
    return try url(database: name)
  }

  /// The base URL with another database.
  static func url(database: String) throws -> String {
    let base = try #require(url, skipReason)
    var components = try #require(URLComponents(string: base))
    components.path = "/" + database
    return try #require(components.string)
  }

  static func drop(_ url: String) {
    guard let database = URLComponents(string: url)?.path.dropFirst(), !database.isEmpty else { return }
    try? admin("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
  }
}

/// A fresh, empty ledger of one kind for one test: a file in a temporary folder, or a new database
/// on the test server. `remove()` deletes it.
struct TestLedger {
  let kind: StoreKind
  /// What `--ledger` would be given: the file's path or the database's URL.
  let location: String
  let store: any LedgerBackend
  private let directory: TemporaryDirectory?

  init(_ kind: StoreKind) throws {
    self.kind = kind
    switch kind {
    case .sqlite:
      let directory = try TemporaryDirectory()
      self.directory = directory
      location = directory.path("ledger.sqlite")
    case .postgres:
      guard TestPostgres.isConfigured else { try Test.cancel(TestPostgres.skipReason) }
      directory = nil
      location = try TestPostgres.freshDatabase()
    }
    store = try LedgerOpening.open(location, createIfMissing: true)
  }

  /// A second connection to the same ledger (another office, another process's view).
  func reopen() throws -> any LedgerBackend { try LedgerOpening.open(location, createIfMissing: false) }

  func remove() {
    directory?.remove()
    if kind == .postgres { TestPostgres.drop(location) }
  }
}
