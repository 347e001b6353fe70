import Hummingbird
import SubsidyKit

/// `GET /healthz`, `GET /metrics` and the authorised `POST /v1/reload`.
struct AdminRoutes: Sendable {
  let store: PolicyStore
  let metrics: ServerMetrics
  let authorization: Authorization

  func health(_ request: Request) -> Response {
    let snapshot = store.snapshot
    return Respond.json(.object([
      ("status", .string("ok")), ("version", .string(Subsidy.version)),
      ("policies", .number(String(snapshot.program.checkedPolicies.count))), ("generation", .number(String(snapshot.generation))),
    ]))
  }

  func metricsText(_ request: Request) -> Response {
    Respond.text(metrics.render(policyGeneration: store.snapshot.generation), contentType: "text/plain; version=0.0.4; charset=utf-8")
  }

  /// Loads the policy folders again; a set that fails `check` is refused (422, with its diagnostics)
  /// and the previous set keeps serving.
  func reload(_ request: Request) throws -> Response {
    try authorization.require(request)
    switch store.reload() {
    case .success(let snapshot):
      metrics.reloaded("loaded")
      return Respond.json(.object([
        ("status", .string("loaded")), ("generation", .number(String(snapshot.generation))),
        ("policies", .array(snapshot.program.checkedPolicies.map { .string($0.id) })),
      ]))
    case .failure(let rejected):
      metrics.reloaded("refused")
      throw Problem(.unprocessableContent, "policy-set-refused", "the policy set fails check",
                    detail: "the policies have errors; the previous set (generation \(store.snapshot.generation)) keeps serving",
                    diagnostics: rejected.diagnostics)
    }
  }
}
