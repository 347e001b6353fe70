import Ledger
import SubsidyIO

/// The ledger's files among a command's roles. Here, not beside `FileRoles` in SubsidyIO: which
/// `--ledger` values are a server and not a file is the ledger's to say, and SubsidyIO knows no ledger.
extension FileRoles {
  /// A SQLite ledger and the files SQLite keeps beside it (`-wal`, `-shm`, `-journal`).
  public mutating func ledger(_ path: String?) throws {
    // A PostgreSQL ledger is no file here: nothing to clash with.
    guard let path, !LedgerOpening.isServer(path) else { return }
    try output(.ledger, path)
    for suffix in ["-wal", "-shm", "-journal"] { try output(.ledgerCompanion(suffix), path + suffix) }
  }
}
