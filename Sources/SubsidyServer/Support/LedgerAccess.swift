import Foundation
import Hummingbird
import Ledger
import LedgerPostgres
import SubsidyKit

/// The ledger of `--ledger` (an SQLite file or a `postgres://` URL), opened as the CLI's `ledger` and
/// `batch --commit` open it, once per request: reads through `LedgerOpening.openForReading` (nothing
/// created or written), writes through `LedgerOpening.open`. The ledger's calls block (SQLite, and
/// PostgreSQL through `EventLoopFuture.wait`), so they run on a thread of their own, never on the
/// server's tasks. Every ledger error is a problem document with its own status, never a 500.
struct LedgerAccess: Sendable {
  let location: String?
  let authorization: Authorization

  /// Creates (or checks) the ledger once at start, as `batch --commit` would: a bad location or a
  /// damaged ledger stops the server there, and the read endpoints find a ledger from the first request on.
  static func prepare(_ location: String) throws {
    do {
      _ = try LedgerOpening.open(location, createIfMissing: true)
    } catch let error as LedgerError {
      throw error
    } catch {
      throw LedgerError.cannotCreate(location, LedgerFailureText.of(error))
    }
  }

  /// The configured location; a server started without `--ledger` answers 404 `no-ledger`.
  func configured() throws -> String {
    guard let location else {
      throw Problem(.notFound, "no-ledger", "no ledger",
                    detail: "this server was started without `--ledger`; it has no payout ledger to read or write")
    }
    return location
  }

  /// Runs `body` on a ledger opened for reading, after the bearer token is checked (the ledger holds
  /// personal data).
  func read<T: Sendable>(_ request: Request, _ body: @escaping @Sendable (any LedgerBackend) throws -> T) async throws -> T {
    guard authorization.token != nil else {
      throw Problem(.forbidden, "no-token", "forbidden",
                    detail: "this server was started without `--token-file`; the ledger holds personal data and is read only with the bearer token")
    }
    try authorization.require(request)
    let location = try configured()
    return try await Self.blocking { try body(try LedgerOpening.openForReading(location)) }
  }

  /// Runs `body` on a ledger opened for writing (an existing one: a void needs its payment).
  func write<T: Sendable>(_ request: Request, _ body: @escaping @Sendable (any LedgerBackend) throws -> T) async throws -> T {
    try authorization.require(request)
    let location = try configured()
    return try await Self.blocking { try body(try LedgerOpening.open(location, createIfMissing: false)) }
  }

  /// `body` on a thread of its own (it blocks); its ledger errors as problems.
  static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    do {
      return try await Blocking.run(body)
    } catch let error as LedgerError {
      throw problem(error)
    } catch let problem as Problem {
      throw problem
    } catch {
      throw Problem(.serviceUnavailable, "ledger-failed", "the ledger failed",
                    detail: "the ledger could not answer: \(String(describing: error).prefix(300))")
    }
  }

  /// Each ledger error with the status that says whose it is: the caller's (4xx) or the ledger's (503).
  static func problem(_ error: LedgerError) -> Problem {
    let detail = error.description
    switch error {
    case .missingFile:
      return Problem(.notFound, "no-ledger", "no ledger", detail: detail + "; the first committed batch creates it")
    case .noSuchPayment: return Problem(.notFound, "no-such-payment", "not found", detail: detail)
    case .alreadyVoided: return Problem(.conflict, "already-voided", "conflict", detail: detail)
    case .duplicateBatch: return Problem(.conflict, "duplicate-batch", "conflict", detail: detail)
    case .emptyReason: return Problem.badRequest("no-reason", "a void needs a reason: send {\"reason\": \"…\"}")
    case .emptyKey, .negativeAmount, .amountOverflow:
      return Problem(.unprocessableContent, "ledger-refused", "the ledger refused the batch", detail: detail)
    case .damaged, .readOnly, .cannotCreate, .server, .transactionClosed, .targetNotEmpty:
      return Problem(.serviceUnavailable, "ledger-unavailable", "the ledger is unavailable", detail: detail)
    }
  }
}
