import Foundation
import Testing

/// `GET /metrics` of a server on the loopback address, for tests that wait for the server to reach a
/// state (a request answered, nothing left in flight) instead of sleeping for a time they guess.
enum Scrape {
  /// The exposition text (nil when the server did not answer).
  static func metrics(port: Int) -> String? {
    guard let answer = try? Loopback.exchange(port: port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", halfClose: true),
      answer.hasPrefix("HTTP/1.1 200"), let body = answer.range(of: "\r\n\r\n")
    else { return nil }
    return String(answer[body.upperBound...])
  }

  /// `subsidy_http_requests_in_flight` in `text`; the scrape that read it is one of them.
  static func inFlight(_ text: String) -> Int? {
    text.split(separator: "\n").first { $0.hasPrefix("subsidy_http_requests_in_flight ") }.flatMap { Int($0.split(separator: " ")[1]) }
  }

  /// Scrapes every 50 ms until `reached` holds for a scrape or `seconds` have passed: the last text
  /// (empty if none was read) and whether it held. The waiting blocks a Dispatch thread, not one of
  /// the few the tests' tasks (and the in-process servers) run on; `seconds` is only the bound for a
  /// server that never gets there, so it is generous: a loaded machine only makes the wait longer.
  static func until(port: Int, within seconds: Double = 60, _ reached: @escaping @Sendable (String) -> Bool) async throws -> (text: String, held: Bool) {
    try await offThePool {
      let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
      var last = ""
      while true {
        if let text = metrics(port: port) {
          last = text
          if reached(text) { return (text, true) }
        }
        if ContinuousClock.now > deadline { return (last, false) }
        usleep(50_000)
      }
    }
  }
}
