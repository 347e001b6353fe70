import NIOCore

/// Closes a connection whose answer has not moved for `timeout`: its client stopped reading (a batch
/// uploaded and its answer never read). Hummingbird's idle timeout only watches the reading side, so
/// such a request held its task, its temporary files and a place in graceful shutdown until the
/// shutdown deadline ended the whole process.
///
/// What counts is the channel's writability, not time between writes: it turns false once more than
/// NIO's high-water mark (64 KiB) of the answer waits for the client, and true again as soon as the
/// client has taken the waiting bytes down to the low mark. So a request that computes for a long time
/// before writing, or a client that reads slowly but reads, is never cut; only an answer that stays
/// stuck for the whole `timeout` is. Closing makes the request's next write fail, which ends it.
final class WriteStallTimeout: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = NIOAny

  let timeout: TimeAmount
  private var stall: Scheduled<Void>?

  init(timeout: TimeAmount) {
    self.timeout = timeout
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable {
      stall?.cancel()
      stall = nil
    } else if stall == nil {
      stall = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
        context.close(promise: nil)
      }
    }
    context.fireChannelWritabilityChanged()
  }

  func channelInactive(context: ChannelHandlerContext) {
    stall?.cancel()
    stall = nil
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    stall?.cancel()
    stall = nil
  }
}

@available(*, unavailable)
extension WriteStallTimeout: Sendable {}
