import Dispatch

/// The one chunk driver of `batch` and `compare`: chunks are read on the caller's thread, worked on
/// (decoded, evaluated) on all cores a batch of chunks at a time, and their outputs merged on the
/// caller's thread in input order, so results never depend on the number of threads.
///
/// Reading and merging overlap the work: while the workers run batch n, the caller merges batch n-1 and
/// reads batch n+1. Cancellation is checked before each batch; a merge that throws (a fatal error)
/// stops the run the same way. Either way the batch in flight is finished (at most `threads` chunks)
/// and discarded before the error is thrown, so no worker outlives the run.
struct ChunkPipeline<Chunk: Sendable, Output: Sendable> {
  var threads: Int
  var cancellation: Cancellation?

  /// `read` gives the next chunk (nil at the end), `work` runs on a worker, `merge` takes each
  /// chunk's output in input order.
  func run(read: () throws -> Chunk?, work: @escaping @Sendable (Chunk) -> Output, merge: (Output) throws -> Void) throws {
    // Two batches in flight at most: the one the workers run, the one being merged.
    let perBatch = max(1, threads)
    func readBatch() throws -> [Chunk] {
      try cancellation?.check()
      var chunks: [Chunk] = []
      while chunks.count < perBatch, let chunk = try read() { chunks.append(chunk) }
      return chunks
    }
    var previous: Slots<Output>?
    var next = try readBatch()
    while !next.isEmpty {
      let slots = Slots<Output>(count: next.count)
      let running = DispatchGroup()
      let chunks = next
      DispatchQueue.global().async(group: running) {
        DispatchQueue.concurrentPerform(iterations: chunks.count) { i in slots.set(i, work(chunks[i])) }
      }
      do {
        if let previous { try previous.forEach(merge) }
        next = try readBatch()
      } catch {
        // The workers' batch is bounded; it finishes before the error leaves the run.
        running.wait()
        throw error
      }
      running.wait()
      previous = slots
    }
    try previous?.forEach(merge)
  }
}

/// One output slot per chunk of a batch, each written by exactly one worker (`concurrentPerform`'s
/// iteration i writes slot i) and read only after the group that ran them has been waited for, which
/// orders the writes before the reads: hence `@unchecked Sendable`. Raw memory, so distinct slots are
/// written without the exclusivity check of a shared array.
final class Slots<T>: @unchecked Sendable {
  private let base: UnsafeMutablePointer<T?>
  let count: Int

  init(count: Int) {
    self.count = count
    base = UnsafeMutablePointer<T?>.allocate(capacity: count)
    base.initialize(repeating: nil, count: count)
  }

  func set(_ i: Int, _ value: T?) { base[i] = value }
  func get(_ i: Int) -> T? { base[i] }

  /// Each filled slot in order.
  func forEach(_ body: (T) throws -> Void) throws {
    for i in 0..<count { if let value = base[i] { try body(value) } }
  }

  deinit {
    base.deinitialize(count: count)
    base.deallocate()
  }
}
