import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
@testable import SubsidyServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `subsidy_http_requests_in_flight`: a request counts from its head until its answer's end or its
/// connection's close, whichever comes first, and exactly once, however it ended. (The unread answer
/// closed by the write stall timeout is `ServeCommandTests.anAnswerNobodyReadsIsDroppedAfterTheStallTimeout`;
/// the 408 of a stalled upload, `BatchRouteTests.aStalledUploadTimesOutAndCommitsNothing`.)
@Suite struct RequestsInFlightTests {
  static let post = HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/v1/batch")

  /// The parts as they pass the handler: read whole is still in flight, an informational head and the
  /// body are not the end, the end is; pipelined requests count each.
  @Test func theCountFollowsTheParts() throws {
    let metrics = ServerMetrics()
    let channel = EmbeddedChannel(handler: RequestsInFlight(metrics: metrics))
    try channel.writeInbound(HTTPRequestPart.head(Self.post))
    #expect(inFlight(metrics) == 1)
    try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "dispatch_id\n")))
    try channel.writeInbound(HTTPRequestPart.end(nil))
    #expect(inFlight(metrics) == 1, "read whole, not yet answered")
    try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .continue)))
    try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
    try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: "payouts")))
    #expect(inFlight(metrics) == 1, "answered in part")
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    #expect(inFlight(metrics) == 0)
    // Two requests pipelined before the first answer: each counts until its own end.
    for _ in 0..<2 {
      try channel.writeInbound(HTTPRequestPart.head(Self.post))
      try channel.writeInbound(HTTPRequestPart.end(nil))
    }
    #expect(inFlight(metrics) == 2)
    try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    #expect(inFlight(metrics) == 1)
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    #expect(inFlight(metrics) == 0)
    // An end with nothing counted (which Hummingbird does not send) does not go below zero.
    try channel.writeOutbound(HTTPResponsePart.end(nil))
    #expect(inFlight(metrics) == 0)
    _ = try channel.finish()
    #expect(inFlight(metrics) == 0)
  }

  /// A connection that closes (a client gone, a timeout, an error, a cancelled task: each ends in a
  /// close) ends its requests still open, once; so does taking the handler out of the pipeline.
  @Test func aCloseOrARemovalEndsTheOpenRequestsOnce() throws {
    let metrics = ServerMetrics()
    let closing = EmbeddedChannel(handler: RequestsInFlight(metrics: metrics))
    try closing.writeInbound(HTTPRequestPart.head(Self.post))
    try closing.writeInbound(HTTPRequestPart.end(nil))
    try closing.writeInbound(HTTPRequestPart.head(Self.post))
    #expect(inFlight(metrics) == 2)
    try closing.close().wait()
    #expect(inFlight(metrics) == 0)
    _ = try closing.finish(acceptAlreadyClosed: true)
    #expect(inFlight(metrics) == 0, "ended twice")

    let handler = RequestsInFlight(metrics: metrics)
    let removing = EmbeddedChannel(handler: handler)
    try removing.writeInbound(HTTPRequestPart.head(Self.post))
    #expect(inFlight(metrics) == 1)
    try removing.pipeline.syncOperations.removeHandler(handler).wait()
    #expect(inFlight(metrics) == 0)
    _ = try removing.finish()
    #expect(inFlight(metrics) == 0, "ended twice")
  }

  /// The server `subsidy serve` runs (`SubsidyServer.http1`), with a time limit nothing here reaches;
  /// the tests run it on `OwnThreads`.
  static func liveApp(_ metrics: ServerMetrics) -> some ApplicationProtocol {
    let options = ServerOptions(policies: [ServerPaths.policies], token: testToken, requestSeconds: 30)
    let store = PolicyStore(paths: options.policies, initial: shippedSnapshot)
    return Application(router: SubsidyServer.router(store: store, options: options, metrics: metrics),
                       server: SubsidyServer.http1(options, metrics: metrics),
                       configuration: .init(address: .hostname("127.0.0.1", port: 0)))
  }

  /// On one kept-alive connection, answers of each kind leave nothing in flight once read: a JSON
  /// body in one buffer, a problem document, and a streamed multipart answer (a body written by a
  /// closure, in chunks). The connection stays open, so only the answers' ends can have ended them.
  @Test func answersReadWholeLeaveNothingInFlight() async throws {
    let metrics = ServerMetrics()
    let village = try String(contentsOf: BatchRouteTests.village, encoding: .utf8)
    try await onOwnThreads { try await Self.liveApp(metrics).test(.live) { client in
      let port = try #require(client.port)
      let answers = try await offThePool { () -> [(answer: String, inFlight: Int?)] in
        let socket = try #require(Loopback.open(port: port))
        defer { close(socket) }
        var answers: [(answer: String, inFlight: Int?)] = []
        for request in ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                        "GET /v1/policies/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                        "POST /v1/batch?as_of=2024-06-30 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nContent-Length: \(village.utf8.count)\r\n\r\n" + village] {
          Loopback.sendAll(socket, Data(request.utf8))
          answers.append((try Self.readAnswer(socket), inFlight(metrics)))
        }
        return answers
      }
      #expect(answers.map { $0.answer.prefix(12) } == ["HTTP/1.1 200", "HTTP/1.1 404", "HTTP/1.1 200"])
      #expect(answers[2].answer.contains("name=\"summary\""), "\(answers[2].answer.suffix(300))")
      #expect(answers.map(\.inFlight) == [0, 0, 0])
    } }
  }

  /// A request whose body is still coming counts while it is read, and stops counting when its client
  /// goes away (a reset), though its route was still waiting for the body.
  @Test func aClientGoneEndsItsRequest() async throws {
    let metrics = ServerMetrics()
    try await onOwnThreads { try await Self.liveApp(metrics).test(.live) { client in
      let port = try #require(client.port)
      for (path, type, start) in [("/v1/eval", "application/json", #"{"as_of": "#), ("/v1/batch?as_of=2024-06-30", "text/csv", "dispatch_id,")] {
        let socket = try await offThePool { () -> Int32 in
          let socket = try #require(Loopback.open(port: port))
          Loopback.sendAll(socket, Data("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(type)\r\nContent-Length: 1000\r\n\r\n\(start)".utf8))
          return socket
        }
        #expect(try await inFlight(metrics, reaches: 1), "\(path): not counted while read")
        Loopback.reset(socket)
        #expect(try await inFlight(metrics, reaches: 0), "\(path): still counted after its client went away")
      }
    } }
  }

  /// One whole answer from a kept-alive connection: its head, then `Content-Length` bytes or chunks
  /// up to the last (empty) one. Reads wait at most 20 s.
  static func readAnswer(_ socket: Int32) throws -> String {
    var timeout = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    func complete() -> Bool {
      let text = String(decoding: received, as: UTF8.self)
      guard let end = text.range(of: "\r\n\r\n") else { return false }
      let head = text[..<end.lowerBound].lowercased()
      if let length = head.range(of: #"content-length: *\d+"#, options: .regularExpression) {
        let count = Int(head[length].split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        return text[end.upperBound...].utf8.count >= count
      }
      return head.contains("transfer-encoding: chunked") && text.hasSuffix("\r\n0\r\n\r\n")
    }
    while !complete() {
      let n = recv(socket, &buffer, buffer.count, 0)
      try #require(n > 0, "the answer broke off: \(String(decoding: received, as: UTF8.self).prefix(300))")
      received += buffer[0..<n]
    }
    return String(decoding: received, as: UTF8.self)
  }
}
