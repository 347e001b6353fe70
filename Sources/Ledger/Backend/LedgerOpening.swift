/// Opens the ledger a `--ledger` value names: a `postgres://…` URL is a shared PostgreSQL ledger
/// (what the URL leaves out comes from `PGHOST`, `PGUSER`, … as for `psql`), anything else the
/// path of an SQLite file, which stays the default. Opening is in `LedgerPostgres` (which knows both
/// stores), so what only needs SQLite (the fuzzers, the library) does not build PostgreSQL's client.
public enum LedgerOpening {
  /// Whether `location` names a PostgreSQL ledger.
  public static func isServer(_ location: String) -> Bool { PostgresAddress.isURL(location) }
}
