import Foundation
import PolicySupport

/// A run's "stop now": set by Ctrl-C (`Cancellation.onInterrupt`), by a server whose client went
/// away, or by a test; the chunk pipeline checks it before every batch of chunks, so a run stops
/// within one batch's work, writes nothing and commits nothing.
public final class Cancellation: @unchecked Sendable {
  // Unchecked: `cancelled` is only read and written under `lock`.
  private let lock = NSLock()
  private var cancelled = false

  public init() {}

  public var isCancelled: Bool { lock.withLock { cancelled } }

  public func cancel() { lock.withLock { cancelled = true } }

  /// Throws `Cancelled` once cancelled.
  public func check() throws {
    if isCancelled { throw Cancelled() }
  }

  /// The run was stopped before it finished: nothing was written, nothing committed.
  public struct Cancelled: LocalizedFailure {
    public init() {}
    public var text: LocalizedText {
      LocalizedText("interrupted: no output file was written and nothing was committed to the ledger",
                    zh: "已中断：未写入任何输出文件，台账中未记入任何款项")
    }
  }

  /// A cancellation that Ctrl-C (SIGINT) and SIGTERM set. The first signal asks the run to stop cleanly
  /// (its temporary files removed, its ledger transaction rolled back); a second one ends the process
  /// at once, as if there were no handler. Keep the returned source alive while the run lasts.
  public static func onInterrupt() -> (Cancellation, InterruptWatch) {
    let cancellation = Cancellation()
    return (cancellation, InterruptWatch(cancellation))
  }
}

/// Watches SIGINT and SIGTERM for one run; `stop()` (or deinit) gives the signals back their default.
public final class InterruptWatch: @unchecked Sendable {
  // Unchecked: `sources` is written in init and in `stop()`, which the one thread that owns the run
  // calls after the run; the signal handlers only call `Cancellation.cancel`, which is locked.
  private var sources: [DispatchSourceSignal] = []

  init(_ cancellation: Cancellation) {
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        cancellation.cancel()
        // A second signal is not ignored: it ends the process.
        signal(signalNumber, SIG_DFL)
      }
      source.resume()
      sources.append(source)
    }
  }

  public func stop() {
    for source in sources { source.cancel() }
    sources = []
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }

  deinit { stop() }
}
