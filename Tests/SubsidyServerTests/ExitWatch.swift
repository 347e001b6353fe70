import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// When a child process ended, seen from a thread of its own.
///
/// A test that times a child by polling `Process.isRunning` from a task measures when the task got
/// a thread back, not when the child ended. The tests' tasks share one thread per core with every
/// other test of a parallel `swift test`; while other tests hold those threads with blocking work, a
/// task that slept 100 ms is resumed seconds later. With both threads held for 15 s, a server that
/// ended 2.8 s after SIGTERM was timed at 15 s (full runs on a loaded machine had timed it at 16 and
/// 18.7 s, and failed). This thread blocks in `waitid` (`WNOWAIT`: the child is left for `Process`
/// to reap and report) and notes when it returned: the child's end plus the scheduler's latency.
final class ExitWatch: @unchecked Sendable {
  // Unchecked: `ended` is read and written only while holding `lock`.
  private let lock = NSLock()
  private var ended: ContinuousClock.Instant?

  /// Starts watching `process`, which must be running (and not yet reaped).
  init(_ process: Process) {
    let pid = process.processIdentifier
    Thread { [self] in
      var info = siginfo_t()
      // ECHILD: `Process` reaped it first, so it has ended too.
      while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
      let now = ContinuousClock.now
      lock.withLock { ended = now }
    }.start()
  }

  /// When the child ended; nil while it runs.
  var endedAt: ContinuousClock.Instant? { lock.withLock { ended } }
}
