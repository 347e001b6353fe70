import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// `subsidy serve`: the routes, their middleware and the application around them.
public enum SubsidyServer {
  /// The router for a store of policies: what the tests drive and the server runs. No CORS middleware:
  /// a browser page from another origin cannot read the answers.
  public static func router(store: PolicyStore, options: ServerOptions, metrics: ServerMetrics = ServerMetrics(),
                            resources: ServerResources = .load()) -> Router<BasicRequestContext> {
    let admin = AdminRoutes(store: store, metrics: metrics, authorization: Authorization(token: options.token))
    let eval = EvalRoute(store: store, options: options, metrics: metrics)
    let check = CheckRoute(store: store, options: options)
    let policies = PolicyRoutes(store: store)
    let files = StaticRoutes(resources: resources)
    let ledger = LedgerAccess(location: options.ledger, authorization: Authorization(token: options.token))
    let compare = CompareRoute(store: store, options: options, compiled: ComparedPolicies())
    let batch = BatchRoute(store: store, options: options, ledger: ledger)
    let payments = LedgerRoutes(ledger: ledger, options: options)
    let editor = EditorRoutes(store: store, options: options)
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response
    var handlers: [(HTTPRequest.Method, String, Handler)] = [
      (.get, "/", { _, _ in try files.send("web/index.html") }),
      (.get, "/assets/:file", { _, context in try files.asset(context) }),
      (.get, "/openapi.yaml", { _, _ in try files.send("openapi.yaml") }),
      (.get, "/healthz", { request, _ in admin.health(request) }),
      (.get, "/metrics", { request, _ in admin.metricsText(request) }),
      (.post, "/v1/reload", { request, _ in try admin.reload(request) }),
      (.post, "/v1/eval", { request, _ in try await eval.handle(request) }),
      (.post, "/v1/check", { request, _ in try await check.handle(request) }),
      (.get, "/v1/policies", { request, _ in try policies.list(request) }),
      (.get, "/v1/policies/:id", { request, context in try policies.policy(request, context: context) }),
      (.get, "/v1/policies/:id/rules/:rule", { request, context in try policies.rule(request, context: context) }),
      (.post, "/v1/compare", { request, _ in try await compare.handle(request) }),
      (.post, "/v1/batch", { request, _ in try await batch.handle(request) }),
      (.get, "/v1/ledger/payments", { request, _ in try await payments.payments(request) }),
      (.get, "/v1/ledger/summary", { request, _ in try await payments.summary(request) }),
      (.get, "/v1/ledger/batches", { request, _ in try await payments.batches(request) }),
      (.post, "/v1/ledger/payments/:id/void", { request, context in try await payments.void(request, context: context) }),
    ]
    // The page's 规则编辑: a served policy's text and tests, and the tests run on a draft.
    let editorHandlers: [(HTTPRequest.Method, String, Handler)] = [
      (.get, "/v1/policies/:id/source", { request, context in try editor.source(request, context: context) }),
      (.post, "/v1/test", { request, _ in try await editor.test(request) }),
    ]
    handlers += editorHandlers
    var table = RouteTable()
    for (method, path, _) in handlers { table.add(method, path) }
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(routes: table))
    for (method, path, handler) in handlers { router.on(RouterPath(path), method: method, use: handler) }
    return router
  }

  /// How long a connection may move no bytes before it is closed: 3 × --request-seconds, at least 1 s.
  static func stallTimeout(_ options: ServerOptions) -> TimeAmount {
    // In milliseconds: whole seconds cut `--request-seconds 0.5` to a 1 s timeout, not 1.5 s.
    .milliseconds(Int64((max(1, options.requestSeconds * 3) * 1000).rounded()))
  }

  /// The HTTP/1.1 server `run` serves on: its requests in flight counted in `metrics`
  /// (`RequestsInFlight`), and a connection that takes nothing in (`idleTimeout`) or whose answer waits
  /// on a client that does not read (`WriteStallTimeout`) for 3 × --request-seconds closed.
  public static func http1(_ options: ServerOptions, metrics: ServerMetrics) -> HTTPServerBuilder {
    .http1(configuration: .init(additionalChannelHandlers: [RequestsInFlight(metrics: metrics), WriteStallTimeout(timeout: Self.stallTimeout(options))],
                                idleTimeout: Self.stallTimeout(options)))
  }

  /// Loads the policies (refusing to start on a set that fails `check`), then serves until SIGTERM or
  /// SIGINT; SIGHUP reloads the policies as `POST /v1/reload` does.
  public static func run(_ options: ServerOptions, logger: Logger = Logger(label: "subsidy.serve")) async throws {
    AllocatorTuning.apply()
    ConcurrencyThreads.runOnEventLoops()
    let initial: PolicySnapshot
    switch PolicySnapshot.load(options.policies, generation: 1) {
    case .success(let snapshot): initial = snapshot
    case .failure(let rejected): throw rejected
    }
    if let ledger = options.ledger { try LedgerAccess.prepare(ledger) }
    let store = PolicyStore(paths: options.policies, initial: initial)
    let metrics = ServerMetrics()
    let hangup = HangupReload(store: store, metrics: metrics, logger: logger)
    hangup.start()
    defer { hangup.stop() }
    // Graceful shutdown waits for the requests in progress, but not for ever.
    let deadline = ShutdownDeadline(seconds: options.shutdownSeconds, logger: logger)
    deadline.start()
    defer { deadline.stop() }
    let app = Application(
      router: router(store: store, options: options, metrics: metrics),
      server: http1(options, metrics: metrics),
      configuration: .init(address: .hostname(options.host, port: options.port), serverName: "subsidy"),
      onServerRunning: { channel in
        // The port actually bound (with `--port 0`), for scripts that start the server.
        let port = channel.localAddress?.port ?? options.port
        FileHandle.standardError.write(Data("subsidy serve: listening on http://\(options.host):\(port)\n".utf8))
      },
      logger: logger)
    try await app.runService()
  }
}
