import SubsidyKit

/// What `subsidy serve` was told on its command line, and the limits every request lives within.
public struct ServerOptions: Sendable {
  /// Policy directories or files (with overlays), as `subsidy eval --policies`.
  public var policies: [String]
  /// The payout ledger (an SQLite file or a `postgres://` URL) of `POST /v1/batch?commit=true` and
  /// `/v1/ledger/…`; nil: those answer 404 `no-ledger`.
  public var ledger: String?
  /// Loopback unless told otherwise: the server holds personal data.
  public var host: String
  public var port: Int
  /// The bearer token that authorises writes (`POST /v1/reload`), read once at start; nil refuses every write.
  public var token: String?
  /// The largest request body read, in bytes; a larger one is refused with 413 before it is held whole.
  public var maxBody: Int
  /// Each request is answered within this many seconds, or refused with 503.
  public var requestSeconds: Double
  /// The most rows one `POST /v1/batch` upload may have (it streams: the limit is in rows, not bytes).
  public var maxBatchRows: Int
  /// The memory budget of one `POST /v1/batch` run in megabytes, as `subsidy batch --memory`: what
  /// spans rows past it spills to a temporary database.
  public var batchMemory: Int

  public static let defaultMaxBody = 1024 * 1024
  public static let defaultMaxBatchRows = 1_000_000
  /// The CLI's default (`subsidy batch --memory`). The budget counts the process as it is when the
  /// run starts, and a server also holds its upload and answer buffers and its other requests beside
  /// the run: at 128 a generated 1M-row upload peaked at 149 MiB; at this, the server stays under 150 MB.
  public static let defaultBatchMemory = MemoryBudget.defaultMegabytes

  /// After SIGTERM or SIGINT, how long the requests in progress may take before the process ends
  /// anyway (`ShutdownDeadline`): as long as an idle connection is kept, and never under 3 s.
  public var shutdownSeconds: Double { max(3, requestSeconds * 3) }

  public init(policies: [String] = [], ledger: String? = nil, host: String = "127.0.0.1", port: Int = 8080,
              token: String? = nil, maxBody: Int = ServerOptions.defaultMaxBody, requestSeconds: Double = 10,
              maxBatchRows: Int = ServerOptions.defaultMaxBatchRows, batchMemory: Int = ServerOptions.defaultBatchMemory) {
    self.policies = policies
    self.ledger = ledger
    self.host = host
    self.port = port
    self.token = token
    self.maxBody = maxBody
    self.requestSeconds = requestSeconds
    self.maxBatchRows = maxBatchRows
    self.batchMemory = batchMemory
  }
}
