import Foundation
import PolicyEval

/// Request counts and latencies per route, the requests in flight and evaluations by status, written in
/// the Prometheus text format (version 0.0.4) by hand: a few counters do not need a metrics library and
/// its build time.
public final class ServerMetrics: @unchecked Sendable {
  // Unchecked: every counter is read and written under `lock`.
  /// Latency buckets in seconds (the upper bounds of the histogram).
  static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

  struct RequestKey: Hashable { let method: String, route: String, status: Int }
  struct Histogram {
    var counts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
    var sum = 0.0
    var count = 0
  }

  private let lock = NSLock()
  private var requests: [RequestKey: Int] = [:]
  private var latencies: [String: Histogram] = [:]
  private var evaluations: [String: Int] = [:]
  private var reloads: [String: Int] = [:]
  private var inFlight = 0

  public init() {}

  func observe(method: String, route: String, status: Int, seconds: Double) {
    lock.lock()
    defer { lock.unlock() }
    requests[RequestKey(method: method, route: route, status: status), default: 0] += 1
    var h = latencies[route] ?? Histogram()
    for (i, bound) in Self.buckets.enumerated() where seconds <= bound { h.counts[i] += 1 }
    h.sum += seconds
    h.count += 1
    latencies[route] = h
  }

  /// The statuses of one answer's results, counted per status first (no array of names made, and
  /// the lock held for one addition per status seen rather than one per result).
  func evaluated(_ results: [EvalResult]) {
    var counts = [Int](repeating: 0, count: Status.allCases.count)
    for r in results { counts[Status.allCases.firstIndex(of: r.status) ?? 0] += 1 }
    lock.lock()
    defer { lock.unlock() }
    for (i, n) in counts.enumerated() where n > 0 { evaluations[Status.allCases[i].rawValue, default: 0] += n }
  }

  /// A request's head was read (`RequestsInFlight`).
  func requestStarted() {
    lock.lock()
    defer { lock.unlock() }
    inFlight += 1
  }

  /// `count` requests were answered or their connection closed (`RequestsInFlight`).
  func requestsEnded(_ count: Int = 1) {
    lock.lock()
    defer { lock.unlock() }
    inFlight -= count
  }

  func reloaded(_ outcome: String) {
    lock.lock()
    defer { lock.unlock() }
    reloads[outcome, default: 0] += 1
  }

  /// The exposition text, series sorted so scrapes diff cleanly.
  func render(policyGeneration: Int) -> String {
    lock.lock()
    defer { lock.unlock() }
    var out = "# HELP subsidy_http_requests_total HTTP requests answered, by method, route and status.\n"
    out += "# TYPE subsidy_http_requests_total counter\n"
    for (key, count) in requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
      out += "subsidy_http_requests_total{method=\"\(key.method)\",route=\"\(Self.escape(key.route))\",status=\"\(key.status)\"} \(count)\n"
    }
    out += "# HELP subsidy_http_request_duration_seconds Time to answer a request, by route.\n"
    out += "# TYPE subsidy_http_request_duration_seconds histogram\n"
    for (route, h) in latencies.sorted(by: { $0.key < $1.key }) {
      let label = "route=\"\(Self.escape(route))\""
      for (i, bound) in Self.buckets.enumerated() {
        out += "subsidy_http_request_duration_seconds_bucket{\(label),le=\"\(Self.number(bound))\"} \(h.counts[i])\n"
      }
      out += "subsidy_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(h.count)\n"
      out += "subsidy_http_request_duration_seconds_sum{\(label)} \(Self.number(h.sum))\n"
      out += "subsidy_http_request_duration_seconds_count{\(label)} \(h.count)\n"
    }
    out += "# HELP subsidy_http_requests_in_flight Requests read and not yet answered whole, on open connections (this scrape included).\n"
    out += "# TYPE subsidy_http_requests_in_flight gauge\n"
    out += "subsidy_http_requests_in_flight \(inFlight)\n"
    out += "# HELP subsidy_evaluations_total Results of POST /v1/eval, by status.\n"
    out += "# TYPE subsidy_evaluations_total counter\n"
    for (status, count) in evaluations.sorted(by: { $0.key < $1.key }) {
      out += "subsidy_evaluations_total{status=\"\(Self.escape(status))\"} \(count)\n"
    }
    out += "# HELP subsidy_policy_reloads_total Policy set reloads, by outcome.\n"
    out += "# TYPE subsidy_policy_reloads_total counter\n"
    for (outcome, count) in reloads.sorted(by: { $0.key < $1.key }) {
      out += "subsidy_policy_reloads_total{outcome=\"\(outcome)\"} \(count)\n"
    }
    out += "# HELP subsidy_policy_generation The policy set being served (1 at start, up by one per reload).\n"
    out += "# TYPE subsidy_policy_generation gauge\n"
    out += "subsidy_policy_generation \(policyGeneration)\n"
    return out
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
  }

  static func number(_ d: Double) -> String {
    d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
  }
}
