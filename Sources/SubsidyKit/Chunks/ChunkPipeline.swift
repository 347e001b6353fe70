import Foundation

/// The one chunk driver of `batch` and `compare`: chunks are read on the caller's thread, worked on
/// (decoded, evaluated) by `threads` workers, and their outputs merged on the caller's thread in
/// input order, so results never depend on the number of threads.
///
/// The workers take chunks one at a time from a window of chunks read ahead; none waits for another
/// to finish a batch (an earlier driver ran batches of `threads` chunks, and a core sat idle whenever
/// one chunk of a batch took longer than the other). The caller reads ahead while the window has
/// room, then merges the next output in input order as soon as it is done; outputs finished out of
/// order wait in the window. So at most `window` chunks are held between reading and merging, which
/// bounds the memory of a run however long its input.
///
/// Cancellation is checked before each chunk is read; a merge that throws (a fatal error) stops the
/// run the same way. Either way the chunks not yet started are dropped, the workers finish the one
/// each holds and are joined before the error is thrown, so no worker outlives the run.
struct ChunkPipeline<Chunk: Sendable, Output: Sendable> {
  var threads: Int
  var cancellation: Cancellation?

  /// Chunks read but not yet merged: enough that a worker always finds one waiting while the caller
  /// merges, few enough that the chunks in flight stay a small, fixed part of a run's memory
  /// (`MemoryBudget.inFlightBytesPerRow` counts `threads` chunks being worked on).
  ///
  /// Four a thread, not two: a merge is not the same length for every chunk (a registry that writes
  /// a run to disk or merges its runs holds the caller for a while), and with two a thread both
  /// workers had filled the window and sat idle through it. Measured on 1M generated rows, 2 threads:
  /// 2.10–2.42 s with two a thread, 2.00–2.04 s with four, 2.03–2.06 s with eight; peak memory the
  /// same (94–95 MB), as the chunks waiting are small beside the state that spans rows.
  var window: Int { 4 * max(1, threads) }

  /// `read` gives the next chunk (nil at the end), `work` runs on a worker, `merge` takes each
  /// chunk's output in input order.
  func run(read: () throws -> Chunk?, work: @escaping @Sendable (Chunk) -> Output, merge: (Output) throws -> Void) throws {
    let board = WorkBoard<Chunk, Output>()
    let workers = DispatchGroup()
    for _ in 0..<max(1, threads) {
      workers.enter()
      // Each worker is a loop on a thread of its own for the whole run, not a task per chunk.
      Thread.detachNewThread { [board] in
        while let (sequence, chunk) = board.nextChunk() { board.finish(sequence, work(chunk)) }
        workers.leave()
      }
    }
    defer {
      // Also on an error: chunks not started are dropped and every worker is joined.
      board.close()
      workers.wait()
    }
    var readCount = 0, mergeCount = 0, ended = false
    while true {
      while !ended, readCount - mergeCount < window {
        try cancellation?.check()
        if let chunk = try read() {
          board.add(readCount, chunk)
          readCount += 1
        } else {
          ended = true
          board.endOfInput()
        }
      }
      if mergeCount == readCount { break }
      try merge(board.output(mergeCount))
      mergeCount += 1
    }
  }
}

/// The chunks waiting for a worker and the outputs waiting to be merged, shared by the caller and
/// the workers. `@unchecked Sendable`: every stored property is read and written only while holding
/// `condition`'s lock, and chunks and outputs are themselves `Sendable`.
final class WorkBoard<Chunk: Sendable, Output: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  /// At most a window of chunks (a few per thread): taking the first is cheap.
  private var waiting: [(Int, Chunk)] = []
  private var done: [Int: Output] = [:]
  private var inputEnded = false
  private var closed = false

  /// A chunk read, numbered in input order.
  func add(_ sequence: Int, _ chunk: Chunk) {
    condition.withLock {
      waiting.append((sequence, chunk))
      condition.broadcast()
    }
  }

  /// No chunk will be added: workers finding none waiting may stop.
  func endOfInput() {
    condition.withLock {
      inputEnded = true
      condition.broadcast()
    }
  }

  /// Stops the run: chunks not yet taken are dropped, and workers stop after their current chunk.
  func close() {
    condition.withLock {
      closed = true
      waiting = []
      condition.broadcast()
    }
  }

  /// For a worker: the next chunk in input order, or nil when the run is over (input ended and
  /// nothing waits, or closed).
  func nextChunk() -> (Int, Chunk)? {
    condition.withLock {
      while !closed && waiting.isEmpty && !inputEnded { condition.wait() }
      guard !closed, !waiting.isEmpty else { return nil }
      return waiting.removeFirst()
    }
  }

  /// For a worker: the output of chunk `sequence`.
  func finish(_ sequence: Int, _ output: Output) {
    condition.withLock {
      done[sequence] = output
      condition.broadcast()
    }
  }

  /// For the caller: the output of chunk `sequence`, once a worker has finished it.
  func output(_ sequence: Int) -> Output {
    condition.withLock {
      while true {
        if let output = done.removeValue(forKey: sequence) { return output }
        condition.wait()
      }
    }
  }
}
