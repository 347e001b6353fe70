import NIOCore
import NIOHTTPTypes

/// Counts the requests in flight for `/metrics`: from the moment a request's head is read until its
/// answer's end is handed to the connection, or the connection closes first (the client went away, or
/// `WriteStallTimeout` or the idle timeout closed it).
///
/// Counted on the connection, not in a middleware: a middleware's part of a request ends when it
/// returns the response, before the body is written, so an answer stuck on a client that does not read
/// would not count; and wrapping every body to see its end would lose Hummingbird's one-write path for
/// a body that is one buffer (head, body and end in one flush). Here the count follows the parts as
/// they pass, as Hummingbird's own connection state does (what graceful shutdown waits for), and every
/// request counted is uncounted exactly once: by its end, or, for those still open, when the
/// connection goes inactive or this handler is removed, however the request ended (an error, a
/// timeout, a cancelled task, a client gone). What it does not see: a route that goes on working
/// after its connection closed (a committed batch still waiting for the ledger after its client
/// reset) no longer counts, though it holds its task until it ends.
final class RequestsInFlight: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart
  typealias OutboundIn = HTTPResponsePart
  typealias OutboundOut = HTTPResponsePart

  let metrics: ServerMetrics
  /// This connection's requests read and not yet answered (more than one when pipelined).
  private var open = 0

  init(metrics: ServerMetrics) {
    self.metrics = metrics
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    if case .head = unwrapInboundIn(data) {
      open += 1
      metrics.requestStarted()
    }
    context.fireChannelRead(data)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    if case .end = unwrapOutboundIn(data), open > 0 {
      open -= 1
      metrics.requestsEnded()
    }
    context.write(data, promise: promise)
  }

  func channelInactive(context: ChannelHandlerContext) {
    endOpenRequests()
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    endOpenRequests()
  }

  private func endOpenRequests() {
    guard open > 0 else { return }
    metrics.requestsEnded(open)
    open = 0
  }
}

@available(*, unavailable)
extension RequestsInFlight: Sendable {}
