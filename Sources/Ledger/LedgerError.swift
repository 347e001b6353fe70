/// Errors the ledger reports in words an operator can act on. Database-level
/// failures (locked past the timeout, corrupt file) arrive as GRDB's
/// `DatabaseError` and are passed through.
public enum LedgerError: Error, Equatable, CustomStringConvertible, Sendable {
  /// Reading commands must not create an empty ledger by accident.
  case missingFile(String)
  case duplicateBatch(String)
  case emptyKey
  case negativeAmount(key: String, fen: Int64)
  case amountOverflow
  case noSuchPayment(Int64)
  case alreadyVoided(Int64)
  case emptyReason
  /// A `LedgerTransaction` used after its `commit` returned.
  case transactionClosed

  public var description: String {
    switch self {
    case .missingFile(let path): return "no ledger at `\(path)` (a ledger is created by `subsidy batch --commit`; choose another with --ledger PATH)"
    case .duplicateBatch(let id): return "batch `\(id)` is already in the ledger; every run needs a new batch id"
    case .emptyKey: return "a payment has an empty idempotency key"
    case .negativeAmount(let key, let fen): return "payment `\(key)` has a negative amount (\(fen) fen)"
    case .amountOverflow: return "the batch's total does not fit in 64-bit fen"
    case .noSuchPayment(let id): return "no payment with id \(id)"
    case .alreadyVoided(let id): return "payment \(id) is already voided"
    case .emptyReason: return "a void needs a reason (--reason TEXT)"
    case .transactionClosed: return "a ledger transaction was used after its commit ended"
    }
  }
}
