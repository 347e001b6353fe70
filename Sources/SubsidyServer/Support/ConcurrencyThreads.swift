import NIOCore
import NIOPosix

/// The server's tasks run on NIO's event-loop threads rather than on Swift Concurrency's own pool.
///
/// Hummingbird reads a request on an event loop, hands it to a task on the concurrency pool, and the
/// answer goes back to the event loop to be written: two thread switches per request, each waking a
/// thread on the other core. With NIO's threads as the global executor, a request is read, answered
/// and written on one thread. Work that blocks or spreads over every core still goes to Dispatch
/// (`Blocking`), so an event loop is never held by it.
///
/// Process-wide, and NIO stops the process if it is installed twice: only `subsidy serve` asks for it,
/// first thing, and the `static let` makes a second call (a server started twice in one process) a
/// no-op. Where the hook is missing (another toolchain), the default pool is kept.
enum ConcurrencyThreads {
  /// Whether the event loops run the tasks (false: the hook was missing, the default pool is kept).
  private static let installed: Bool = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

  @discardableResult
  static func runOnEventLoops() -> Bool { installed }
}
