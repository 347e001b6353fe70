import Ledger

extension LedgerOpening {
  /// For writing (commit, void). With `createIfMissing: false` a ledger that is not there yet is
  /// `LedgerError.missingFile`, as for a file.
  public static func open(_ location: String, createIfMissing: Bool) throws -> any LedgerBackend {
    guard isServer(location) else { return try LedgerStore(path: location, createIfMissing: createIfMissing) }
    if !createIfMissing { _ = try PostgresLedger(url: location, readOnly: true) }
    return try PostgresLedger(url: location)
  }

  /// For reading (list, summary, export, batches, a dry run's paid keys): nothing is created,
  /// migrated or written.
  public static func openForReading(_ location: String) throws -> any LedgerBackend {
    isServer(location) ? try PostgresLedger(url: location, readOnly: true) : try LedgerStore(readingAt: location)
  }
}
