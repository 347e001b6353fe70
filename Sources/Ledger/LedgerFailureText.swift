import GRDB
import PolicySupport

/// Any error a ledger command meets, in words an operator can act on, in both languages: a
/// `LedgerError` (or another `LocalizedFailure`) says itself; SQLite's errors that a person causes
/// (a file that is no ledger, a ledger another process holds, a read-only folder, a full disk) are
/// worded here; anything else keeps its own English, quoted.
public enum LedgerFailureText {
  public static func of(_ error: any Error) -> LocalizedText {
    if let failure = error as? any LocalizedFailure { return failure.text }
    guard let database = error as? DatabaseError else { return .verbatim(String(describing: error)) }
    let detail = database.message ?? "\(database.resultCode)"
    let code = database.resultCode.primaryResultCode
    let (en, zh): (String, String)
    switch code {
    case .SQLITE_NOTADB:
      (en, zh) = ("the file is not a ledger (not an SQLite database); check --ledger", "该文件不是台账（不是 SQLite 数据库）；请检查 `--ledger`")
    case .SQLITE_CORRUPT:
      (en, zh) = ("the ledger file is corrupt; restore it from a backup", "台账文件已损坏；请从备份恢复")
    case .SQLITE_BUSY, .SQLITE_LOCKED:
      (en, zh) = ("another process holds the ledger past the wait; try again when it is done", "另一个进程占用台账超过了等待时间；请待其结束后重试")
    case .SQLITE_READONLY:
      (en, zh) = ("the ledger cannot be written (a read-only file or folder)", "台账无法写入（文件或所在文件夹只读）")
    case .SQLITE_CANTOPEN:
      (en, zh) = ("the ledger file cannot be opened (its folder missing or not readable)", "无法打开台账文件（所在文件夹不存在或不可读）")
    case .SQLITE_FULL:
      (en, zh) = ("the disk is full", "磁盘已满")
    case .SQLITE_PERM, .SQLITE_AUTH:
      (en, zh) = ("no permission to use the ledger file", "没有权限使用台账文件")
    case .SQLITE_IOERR:
      (en, zh) = ("reading or writing the ledger file failed", "读写台账文件出错")
    default:
      return LocalizedText("SQLite error \(code.rawValue): \(detail)", zh: "SQLite 错误 \(code.rawValue)：`\(detail)`")
    }
    return LocalizedText("\(en) (SQLite: \(detail))", zh: "\(zh)（SQLite：`\(detail)`）")
  }
}
