import Dispatch

/// Work that blocks or spreads itself over every core (a comparison's `concurrentPerform`, the
/// ledger's synchronous calls) runs on Dispatch's threads, not on the few threads that run the
/// server's tasks, which would otherwise stall every other request while it runs.
enum Blocking {
  static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let result: Result<T, any Error> = await withCheckedContinuation { continuation in
      DispatchQueue.global().async { continuation.resume(returning: Result { try body() }) }
    }
    return try result.get()
  }
}
