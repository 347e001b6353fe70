import Foundation
import PolicySupport

/// Where a PostgreSQL ledger is: `postgres://user:password@host:port/database`, with what the URL
/// leaves out taken from libpq's variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`,
/// `PGDATABASE`), as `psql` does. A host that starts with `/` (in the URL percent-encoded, or as
/// `?host=/run/postgresql`) is the folder of the server's Unix socket.
///
/// The password is kept for connecting only: `description` never shows it, so no message, batch
/// record or log line can carry it.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
  public enum Endpoint: Sendable, Equatable {
    case tcp(host: String, port: Int)
    /// The socket file itself: `FOLDER/.s.PGSQL.PORT`.
    case socket(path: String)
  }

  public var endpoint: Endpoint
  public var user: String
  public var password: String?
  public var database: String

  /// Whether `text` names a PostgreSQL ledger rather than a file.
  public static func isURL(_ text: String) -> Bool {
    text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
  }

  public struct Invalid: LocalizedFailure, Equatable {
    public var text: LocalizedText
    init(_ en: String, zh: String) { text = LocalizedText(en, zh: zh) }
  }

  public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    guard Self.isURL(text), let components = URLComponents(string: text) else {
      throw Invalid("`\(Self.redacted(text))` is not a PostgreSQL URL (postgres://user@host:port/database)",
                    zh: "`\(Self.redacted(text))` 不是 PostgreSQL 地址（`postgres://user@host:port/database`）")
    }
    func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
    let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, b in b })
    for name in query.keys where !["host", "port", "user", "password", "dbname", "sslmode"].contains(name) {
      throw Invalid("the PostgreSQL URL has a parameter `\(name)` this tool does not know (host, port, user, password, dbname, sslmode)",
                    zh: "PostgreSQL 地址中的参数 `\(name)` 本工具不认识（可用 `host`、`port`、`user`、`password`、`dbname`、`sslmode`）")
    }
    if let mode = query["sslmode"], !["disable", "allow", "prefer"].contains(mode) {
      throw Invalid("sslmode=\(mode) is not supported yet: reach the server over a Unix socket, loopback or an SSH/VPN tunnel",
                    zh: "暂不支持 `sslmode=\(mode)`：请经 Unix 套接字、本机回环地址或 SSH/VPN 隧道连接服务器")
    }
    let host = nonEmpty(query["host"]) ?? nonEmpty(components.percentEncodedHost.flatMap { $0.removingPercentEncoding }) ?? nonEmpty(environment["PGHOST"]) ?? "/var/run/postgresql"
    let portText = nonEmpty(query["port"]) ?? components.port.map(String.init) ?? nonEmpty(environment["PGPORT"]) ?? "5432"
    guard let port = Int(portText), (1...65535).contains(port) else {
      throw Invalid("the PostgreSQL port `\(portText)` is not a number from 1 to 65535",
                    zh: "PostgreSQL 端口 `\(portText)` 不是 1 到 65535 之间的数")
    }
    endpoint = host.hasPrefix("/") ? .socket(path: host + "/.s.PGSQL.\(port)") : .tcp(host: host, port: port)
    guard let user = nonEmpty(query["user"]) ?? nonEmpty(components.user?.removingPercentEncoding) ?? nonEmpty(environment["PGUSER"]) ?? nonEmpty(environment["USER"]) else {
      throw Invalid("the PostgreSQL URL names no user (postgres://USER@host/database, or PGUSER)",
                    zh: "PostgreSQL 地址没有指明用户（`postgres://USER@host/database`，或环境变量 `PGUSER`）")
    }
    self.user = user
    password = nonEmpty(query["password"]) ?? nonEmpty(components.password?.removingPercentEncoding) ?? nonEmpty(environment["PGPASSWORD"])
    let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
    database = nonEmpty(query["dbname"]) ?? nonEmpty(path.removingPercentEncoding) ?? nonEmpty(environment["PGDATABASE"]) ?? user
  }

  /// `postgres://user@host:port/database`, never with the password.
  public var description: String {
    switch endpoint {
    case .tcp(let host, let port):
      return "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    case .socket(let path):
      return "postgres://\(user)@/\(database)?host=\((path as NSString).deletingLastPathComponent)"
    }
  }

  /// `text` with any password in it replaced, for messages about a URL that did not parse.
  package static func redacted(_ text: String) -> String {
    guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at else { return text }
    let userInfo = text[scheme.upperBound..<at]
    guard let colon = userInfo.firstIndex(of: ":") else { return text }
    return String(text[..<colon]) + ":***" + String(text[at...])
  }
}
