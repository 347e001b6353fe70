import Dispatch
import Foundation
import Logging

/// SIGHUP reloads the policy set, as an authorised `POST /v1/reload` does; the outcome is logged.
final class HangupReload: @unchecked Sendable {
  // Unchecked: `source` is set in `start()` and cleared in `stop()`, both called by the one task that
  // runs the server, before and after serving; the signal handler only reads `store` and `metrics`.
  let store: PolicyStore
  let metrics: ServerMetrics
  let logger: Logger
  private var source: (any DispatchSourceSignal)?

  init(store: PolicyStore, metrics: ServerMetrics, logger: Logger) {
    self.store = store
    self.metrics = metrics
    self.logger = logger
  }

  func start() {
    signal(SIGHUP, SIG_IGN)  // the dispatch source receives it instead of the default (terminate)
    let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "subsidy.sighup"))
    source.setEventHandler { [self] in
      switch store.reload() {
      case .success(let snapshot):
        metrics.reloaded("loaded")
        logger.info("SIGHUP: policy set reloaded (generation \(snapshot.generation), \(snapshot.program.checkedPolicies.count) policies)")
      case .failure(let rejected):
        metrics.reloaded("refused")
        logger.error("SIGHUP: the policy set fails check (\(rejected.diagnostics.filter { $0.severity == .error }.count) errors); the previous set keeps serving")
      }
    }
    source.resume()
    self.source = source
  }

  func stop() {
    source?.cancel()
    source = nil
  }
}
