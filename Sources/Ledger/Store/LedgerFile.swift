import PolicySupport
import Foundation

/// The ledger file on disk. It holds names, ids and payments — personal data — so a new ledger is
/// created readable and writable by its owner only (0600) before SQLite opens it; SQLite gives the
/// `-wal` and `-shm` files it creates beside it the same permissions.
enum LedgerFile {
  static func createPrivate(_ path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if fd >= 0 {
      close(fd)
      return
    }
    // Already there (an existing ledger keeps its permissions), or SQLite will say why it cannot open it.
    guard errno == EEXIST || errno == EACCES || errno == EROFS || errno == ENOENT else {
      throw LedgerError.cannotCreate(path, SystemError.text(errno: errno))
    }
  }
}
