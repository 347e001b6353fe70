import Foundation
import Hummingbird
import NIOCore

/// Receives a batch upload into a `BodyFeed` for the batch's CSV reader: piece by piece as it
/// arrives, never whole. An upload that stalls for longer than the time limit while the server
/// waits for it (not while the batch catches up) breaks off as `timedOut`; one shorter than its
/// `Content-Length`, or whose connection failed, as `cutOff`, so the batch fails and commits nothing.
enum BatchUpload {
  static func receive(_ body: RequestBody, into feed: BodyFeed, seconds: Double, declared: Int?) async {
    let watch = UploadWatch()
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        var received = 0
        do {
          for try await buffer in body {
            watch.waiting(false)
            received += buffer.readableBytes
            await feed.push(buffer.readableBytesView)
            watch.waiting(true)
          }
          if let declared, received != declared {
            feed.finish(.cutOff("the body ended after \(received) of the \(declared) bytes its Content-Length declared"))
          } else {
            feed.finish()
          }
        } catch {
          feed.finish(.cutOff("the upload broke off after \(received) bytes"))
        }
      }
      group.addTask {
        while !Task.isCancelled {
          try? await Task.sleep(for: .milliseconds(Int(min(seconds, 1) * 1000)))
          if watch.stalled(longerThan: seconds) {
            feed.finish(.timedOut(seconds))
            return
          }
        }
      }
      await group.next()
      group.cancelAll()
    }
  }
}

/// When the upload last made progress, and whether the server is waiting for the client (only then
/// does the clock run: while the batch catches up, the client is not late).
final class UploadWatch: @unchecked Sendable {
  // Unchecked: its two variables are read and written under `lock`.
  private let lock = NSLock()
  private var since = ContinuousClock.now
  private var waitingForClient = true

  func waiting(_ forClient: Bool) {
    lock.lock()
    waitingForClient = forClient
    since = .now
    lock.unlock()
  }

  func stalled(longerThan seconds: Double) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return waitingForClient && ContinuousClock.now - since > .milliseconds(Int(seconds * 1000))
  }
}
