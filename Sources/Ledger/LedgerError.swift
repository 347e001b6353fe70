import PolicySupport

/// Errors the ledger reports in words an operator can act on, in English and Chinese (`text`; the
/// `description` is the English). Database-level failures (locked past the timeout, corrupt file)
/// arrive as GRDB's `DatabaseError` and are passed through (`LedgerFailureText` words them).
public enum LedgerError: LocalizedFailure, Equatable, Sendable {
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
  case damaged(String, LocalizedText)
  /// A store opened for reading was asked to write.
  case readOnly(String)
  case cannotCreate(String, LocalizedText)
  /// The PostgreSQL server refused or failed (the address never shows a password).
  case server(String, LocalizedText)
  /// `ledger migrate` into a database that already holds a ledger (with this many batches).
  case targetNotEmpty(String, batches: Int64)

  public var text: LocalizedText {
    switch self {
    case .missingFile(let path):
      return LocalizedText(
        "no ledger at `\(path)` (a ledger is created by `subsidy batch --commit`; choose another with --ledger PATH)",
        zh: "`\(path)` 处没有台账（台账由 `subsidy batch --commit` 创建；可用 `--ledger 路径` 指定另一个）")
    case .duplicateBatch(let id):
      return LocalizedText("batch `\(id)` is already in the ledger; every run needs a new batch id",
                           zh: "批次 `\(id)` 已在台账中；每次运行都需要一个新的批次号")
    case .emptyKey:
      return LocalizedText("a payment has an empty idempotency key", zh: "有一笔款项的幂等键为空")
    case .negativeAmount(let key, let fen):
      return LocalizedText("payment `\(key)` has a negative amount (\(fen) fen)", zh: "款项 `\(key)` 的金额为负（\(fen) 分）")
    case .amountOverflow:
      return LocalizedText("the batch's total does not fit in 64-bit fen", zh: "本批合计金额超出 64 位整数（以分计）的范围")
    case .noSuchPayment(let id):
      return LocalizedText("no payment with id \(id)", zh: "没有编号为 \(id) 的款项")
    case .alreadyVoided(let id):
      return LocalizedText("payment \(id) is already voided", zh: "款项 \(id) 已作废")
    case .emptyReason:
      return LocalizedText("a void needs a reason (--reason TEXT)", zh: "作废须写明原因（`--reason 原因`）")
    case .transactionClosed:
      return LocalizedText("a ledger transaction was used after its commit ended", zh: "台账事务在提交结束后又被使用")
    case .damaged(let path, let problem):
      return LocalizedText(
        "the ledger `\(path)` is damaged: \(problem.en); nothing was committed. Restore it from a backup "
          + "(or have it repaired) before recording payments: committing to it could pay twice",
        zh: "台账 `\(path)` 已损坏：\(problem.zh)；未记入任何款项。请先从备份恢复（或请人修复）再记账：向它提交可能重复支付")
    case .readOnly(let path):
      return LocalizedText("the ledger `\(path)` was opened for reading only", zh: "台账 `\(path)` 以只读方式打开")
    case .cannotCreate(let path, let reason):
      return LocalizedText("cannot create the ledger `\(path)`: \(reason.en)", zh: "无法创建台账 `\(path)`：\(reason.zh)")
    case .server(let address, let reason):
      return LocalizedText("the ledger `\(address)`: \(reason.en)", zh: "台账 `\(address)`：\(reason.zh)")
    case .targetNotEmpty(let address, let batches):
      return LocalizedText(
        "the database `\(address)` already holds a ledger (\(batches) batches); a ledger is migrated once, into a database without one",
        zh: "数据库 `\(address)` 已有台账（\(batches) 个批次）；台账只迁移一次，且只迁入没有台账的数据库")
    }
  }
}
