import Foundation
import Testing
@testable import SubsidyKit

/// The one chunk driver of `batch` and `compare`: outputs are merged in input order whatever the
/// threads, a cancellation stops the reading within one window of chunks, and an error from a merge
/// stops the run with no worker left running after it returns.
@Suite struct ChunkPipelineTests {
  /// Counts what workers did, from any thread.
  final class Counter: @unchecked Sendable {
    // Unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = 0
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
  }

  @Test(arguments: [1, 2, 3, 8])
  func mergesInInputOrder(threads: Int) throws {
    var next = 0
    var merged: [Int] = []
    try ChunkPipeline<Int, Int>(threads: threads, cancellation: nil).run(read: {
      defer { next += 1 }
      return next < 500 ? next : nil
    }, work: { chunk in
      // Uneven work, so later chunks often finish first.
      if chunk % 7 == 0 { Thread.sleep(forTimeInterval: 0.001) }
      return chunk * 2
    }, merge: { merged.append($0) })
    #expect(merged == (0..<500).map { $0 * 2 })
  }

  @Test func cancellingStopsTheReadingWithinABatch() throws {
    let cancellation = Cancellation()
    var read = 0, merged = 0
    #expect(throws: Cancellation.Cancelled.self) {
      try ChunkPipeline<Int, Int>(threads: 2, cancellation: cancellation).run(read: {
        read += 1
        return read <= 1_000 ? read : nil
      }, work: { $0 }, merge: { _ in
        merged += 1
        if merged == 10 { cancellation.cancel() }
      })
    }
    // A window of chunks is the most read ahead of the merge when the cancel comes.
    let window = ChunkPipeline<Int, Int>(threads: 2, cancellation: nil).window
    #expect(merged >= 10 && read <= merged + window, "read \(read), merged \(merged), window \(window)")
  }

  @Test func aFailingMergeStopsTheRunAndNoWorkerOutlivesIt() throws {
    struct Fatal: Error {}
    let worked = Counter()
    var read = 0
    #expect(throws: Fatal.self) {
      try ChunkPipeline<Int, Int>(threads: 2, cancellation: nil).run(read: {
        read += 1
        return read <= 1_000 ? read : nil
      }, work: { chunk in
        Thread.sleep(forTimeInterval: 0.002)
        worked.add()
        return chunk
      }, merge: { chunk in
        if chunk == 5 { throw Fatal() }
      })
    }
    let atReturn = worked.count
    Thread.sleep(forTimeInterval: 0.05)
    #expect(worked.count == atReturn, "a worker ran after the run returned")
    #expect(read < 20, "the reading stopped soon after the failure: \(read) chunks read")
  }
}
