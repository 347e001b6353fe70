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
  /// The file fails SQLite's check or lacks the index or triggers that keep payments unique and
  /// append-only: nothing is committed to it.
  case damaged(String, String)
  /// A store opened for reading was asked to write.
  case readOnly(String)
  case cannotCreate(String, String)
  /// The PostgreSQL server refused or failed (the address never shows a password).
  case server(String, String)
  /// `ledger migrate` into a database that already holds a ledger.
  case targetNotEmpty(String, String)

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
    case .damaged(let path, let problem):
      return "the ledger `\(path)` is damaged: \(problem); nothing was committed. Restore it from a backup "
        + "(or have it repaired) before recording payments: committing to it could pay twice"
    case .readOnly(let path): return "the ledger `\(path)` was opened for reading only"
    case .cannotCreate(let path, let reason): return "cannot create the ledger `\(path)`: \(reason)"
    case .server(let address, let reason): return "the ledger `\(address)`: \(reason)"
    case .targetNotEmpty(let address, let what):
      return "the database `\(address)` already holds a ledger (\(what)); a ledger is migrated once, into a database without one"
    }
  }
}
