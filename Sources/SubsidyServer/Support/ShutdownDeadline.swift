import Dispatch
import Foundation
import Logging

/// SIGTERM and SIGINT ask the server to stop gracefully: it stops accepting, and the requests in
/// progress finish. A request whose client stopped reading its answer never finishes (its next write
/// waits on the client for ever), and graceful shutdown waited with it: a server told to stop kept
/// running, and holding the request's files, until a second signal. From the first signal the
/// requests in progress have `seconds`; after that the process ends, logging how it ended, with the
/// exit status of a process ended by the signal (128 + its number). `exit` runs no `deinit`: the
/// spool folders of batch runs still in progress are removed first.
final class ShutdownDeadline: @unchecked Sendable {
  // Unchecked: `sources` is set in `start()` and cleared in `stop()`, both called by the one task that
  // runs the server, before and after serving; the handlers only read `seconds` and `logger`.
  let seconds: Double
  let logger: Logger
  private var sources: [any DispatchSourceSignal] = []

  init(seconds: Double, logger: Logger) {
    self.seconds = seconds
    self.logger = logger
  }

  /// Watches the signals beside the server's own handling of them (each signal reaches every source).
  func start() {
    let queue = DispatchQueue(label: "subsidy.shutdown-deadline")
    var armed = false
    for signalNumber in [SIGTERM, SIGINT] {
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
      source.setEventHandler { [self] in
        guard !armed else { return }
        armed = true
        queue.asyncAfter(deadline: .now() + seconds) { [self] in
          logger.error("shutdown: requests still in progress \(seconds) s after the signal (a client not reading its answer?); ending now")
          Spool.removeAll()
          exit(128 + signalNumber)
        }
      }
      source.resume()
      sources.append(source)
    }
  }

  func stop() {
    for source in sources { source.cancel() }
    sources = []
  }
}
