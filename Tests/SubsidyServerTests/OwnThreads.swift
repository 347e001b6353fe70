import Dispatch

/// Runs tasks on Dispatch threads of their own instead of the test process's cooperative threads.
///
/// Swift Concurrency runs every test's tasks on one thread per core, and a parallel `swift test`
/// holds them with blocking work for long stretches: in a full run on this 2-core machine an
/// in-process server (`app.test(.live)`) answered nothing for over 20 s, so a 408 due after 0.5 s came
/// after the client had given up. A server whose tasks prefer this executor keeps its clocks and its
/// answers moving while other tests hold those threads, as `subsidy serve` does on NIO's event loops
/// (`ConcurrencyThreads`). The queue is concurrent: nothing is serialised that the pool would not.
@available(macOS 15.0, *)
final class OwnThreads: TaskExecutor, @unchecked Sendable {
  // Unchecked: its one stored property, a Dispatch queue, is thread-safe.
  static let shared = OwnThreads()
  private let queue = DispatchQueue(label: "subsidy-server-tests.own-threads", attributes: .concurrent)

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}

/// Runs `body` with its tasks, and the child tasks of any server it runs (Hummingbird's are structured,
/// so they inherit the preference), on `OwnThreads`.
func onOwnThreads<T>(_ body: () async throws -> T) async throws -> T {
  if #available(macOS 15.0, *) {
    return try await withTaskExecutorPreference(OwnThreads.shared, operation: body)
  }
  return try await body()
}
