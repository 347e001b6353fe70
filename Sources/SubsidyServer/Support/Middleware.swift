import Foundation
import Hummingbird
import Logging

/// Counts and times every answered request by route (the route's pattern, never the raw path, so a
/// client cannot grow the series without bound).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
  let metrics: ServerMetrics

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    let start = ContinuousClock.now
    let response = try await next(request, context)
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    metrics.observe(method: request.method.rawValue, route: context.endpointPath ?? "NotFound", status: response.status.code, seconds: seconds)
    return response
  }
}

/// Turns every error into a problem document: the routes' `Problem`s as they are, Hummingbird's own
/// (no such route, a body over the limit) with their status, and anything else (which would be a
/// bug) into a 500 problem that says nothing of the internals, logged.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
  let routes: RouteTable

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    do {
      return try await next(request, context)
    } catch let problem as Problem {
      return try problem.response(from: request, context: context)
    } catch let error as HTTPError {
      let problem: Problem
      switch error.status {
      case .notFound:
        let allowed = routes.methods(at: request.uri.path)
        if allowed.isEmpty {
          problem = Problem(.notFound, "no-such-route", "not found", detail: "no route `\(request.method.rawValue) \(request.uri.path.prefix(200))`")
        } else {
          var refused = Problem(.methodNotAllowed, "method-not-allowed", "method not allowed",
                                detail: "`\(request.uri.path.prefix(200))` answers \(allowed.map { "`\($0.rawValue)`" }.joined(separator: ", ")), not `\(request.method.rawValue)`")
          refused.headers = [.allow: allowed.map(\.rawValue).joined(separator: ", ")]
          problem = refused
        }
      case .contentTooLarge:
        problem = Problem(.contentTooLarge, "body-too-large", "request body too large", detail: error.body ?? "the request body is too large")
      default:
        problem = Problem(error.status, "http-\(error.status.code)", error.status.reasonPhrase, detail: error.body ?? error.status.reasonPhrase)
      }
      return try problem.response(from: request, context: context)
    } catch {
      context.logger.error("unexpected error: \(String(describing: error))")
      return try Problem(.internalServerError, "internal", "internal error", detail: "the server failed to answer; the error is logged")
        .response(from: request, context: context)
    }
  }
}
