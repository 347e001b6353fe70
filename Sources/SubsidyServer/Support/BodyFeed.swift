import Foundation

/// The request body handed from the connection (async) to the batch's CSV reader, which runs on a
/// thread of its own and blocks. At most `capacity` bytes wait here: the upload is held back while
/// the batch catches up, so a large file is never held whole.
final class BodyFeed: @unchecked Sendable {
  // Unchecked: the buffer and its flags are read and written only while holding `condition`.
  /// Why the body stopped before its end: the reader throws it, so the batch fails (and commits nothing).
  enum Broken: Error { case timedOut(Double), cutOff(String) }

  private let condition = NSCondition()
  private var pending: [UInt8] = []
  private var offset = 0
  private var ended = false
  private var broken: Broken?
  /// The reader gave up (the batch failed): the upload is no longer held back, its bytes are dropped.
  private var abandoned = false
  private var waitingProducer: CheckedContinuation<Void, Never>?
  let capacity: Int

  init(capacity: Int) { self.capacity = capacity }

  /// Appends bytes; returns once fewer than `capacity` bytes wait.
  func push(_ bytes: some Collection<UInt8>) async {
    append(bytes)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in park(continuation) }
  }

  private func append(_ bytes: some Collection<UInt8>) {
    condition.lock()
    if !abandoned { pending.append(contentsOf: bytes) }
    condition.broadcast()
    condition.unlock()
  }

  /// Resumes the producer at once while there is room, else when the reader makes room.
  private func park(_ continuation: CheckedContinuation<Void, Never>) {
    condition.lock()
    if abandoned || pending.count - offset < capacity {
      condition.unlock()
      continuation.resume()
    } else {
      waitingProducer = continuation
      condition.unlock()
    }
  }

  /// The body ended (`nil`), or broke off. The first call decides.
  func finish(_ failure: Broken? = nil) {
    condition.lock()
    defer { condition.unlock() }
    guard !ended else { return }
    ended = true
    broken = failure
    condition.broadcast()
  }

  /// Blocking: `count` bytes, or fewer at the end of the body; throws when the body broke off.
  func read(_ count: Int) throws -> Data {
    condition.lock()
    defer { condition.unlock() }
    while pending.count - offset < count && !ended { condition.wait() }
    if let broken { throw broken }
    let end = min(pending.count, offset + count)
    let data = Data(pending[offset..<end])
    offset = end
    if offset >= capacity || offset == pending.count {
      pending.removeFirst(offset)
      offset = 0
    }
    if pending.count - offset < capacity, let producer = waitingProducer {
      waitingProducer = nil
      producer.resume()
    }
    return data
  }

  /// The reader stopped early: release the producer and drop what still arrives.
  func abandon() {
    condition.lock()
    abandoned = true
    pending = []
    offset = 0
    let producer = waitingProducer
    waitingProducer = nil
    condition.unlock()
    producer?.resume()
  }
}
