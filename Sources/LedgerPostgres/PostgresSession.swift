import PolicySupport
import Ledger
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// One connection to the server, used synchronously: the ledger's API (and the batch runner that
/// calls it from inside a commit) is synchronous, so each statement is sent on postgres-nio's event
/// loop and this thread waits for its result with `EventLoopFuture.wait()`. No Swift concurrency is
/// involved, so a caller on a cooperative thread (a test) cannot starve the pool by waiting.
final class PostgresSession: @unchecked Sendable {
  // Unchecked: every stored property is a `let`; `PostgresConnection` is itself safe to use from any
  // thread, and the ledger uses a session from one thread at a time (`PostgresLedger`'s lock).
  let address: PostgresAddress
  private let connection: PostgresConnection
  private let logger = Logger(label: "subsidy.ledger.postgres")

  init(_ address: PostgresAddress) throws {
    self.address = address
    let configuration: PostgresConnection.Configuration
    switch address.endpoint {
    case .tcp(let host, let port):
      configuration = .init(host: host, port: port, username: address.user, password: address.password, database: address.database, tls: .disable)
    case .socket(let path):
      configuration = .init(unixSocketPath: path, username: address.user, password: address.password, database: address.database)
    }
    let loop = PostgresConnection.defaultEventLoopGroup.next()
    do {
      connection = try PostgresConnection.connect(on: loop, configuration: configuration, id: 1, logger: logger).wait()
    } catch {
      throw LedgerError.server(address.description, Self.reason(error))
    }
  }

  deinit { try? connection.close().wait() }

  /// Runs one statement (a query with `$1…` parameters) and returns its rows.
  @discardableResult
  func query(_ sql: String, _ bind: (inout PostgresBindings) throws -> Void = { _ in }) throws -> [PostgresRow] {
    var bindings = PostgresBindings()
    try bind(&bindings)
    do {
      return Array(try connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).wait())
    } catch {
      throw LedgerError.server(address.description, Self.reason(error))
    }
  }

  /// Runs `body` in one transaction: COMMIT if it returns, ROLLBACK if it throws. A process that
  /// dies in between leaves the server to roll back when the connection drops.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try query("BEGIN")
    do {
      let value = try body()
      try query("COMMIT")
      return value
    } catch {
      _ = try? query("ROLLBACK")
      throw error
    }
  }

  /// The server's own words (and SQLSTATE) for a failed statement, or the connection error.
  /// The server's words have no Chinese: the Chinese quotes them.
  static func reason(_ error: any Error) -> LocalizedText {
    if let error = error as? LedgerError { return error.text }
    if let error = error as? PSQLError {
      if let message = error.serverInfo?[.message] {
        let state = error.serverInfo?[.sqlState]
        return LocalizedText(message + (state.map { " (SQLSTATE \($0))" } ?? ""),
                             zh: "服务器报错：`\(message)`" + (state.map { "（`SQLSTATE \($0)`）" } ?? ""))
      }
      let failure = "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
      return LocalizedText(failure, zh: "无法与服务器通信（`\(failure)`）；请检查地址、用户、密码，以及服务器是否在运行")
    }
    return .verbatim("\(error)")
  }

  /// The SQLSTATE of a failed statement, if the server sent one.
  static func sqlState(_ error: any Error) -> String? {
    (error as? PSQLError)?.serverInfo?[.sqlState]
  }
}

extension PostgresRow {
  /// The named column, decoded; a NULL is nil.
  func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
    try makeRandomAccess()[column].decode(T.self, context: .default)
  }
}
