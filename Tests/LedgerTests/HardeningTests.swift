import Foundation
import GRDB
import Testing
@testable import Ledger

/// The ledger holds personal data and is the only guard against paying twice: it is private to its
/// owner, readable without write access, and refused when its guards have been damaged.
@Suite struct LedgerHardeningTests {
  static func mode(_ path: String) -> mode_t? {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
  }

  @Test func aNewLedgerAndItsWalAndShmFilesAreCreated0600() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("ledger.sqlite")
    let old = umask(0o022)
    defer { umask(old) }
    let store = try LedgerStore(path: path)
    try Sample.commit(store, "b1", [Sample.payment("P1")])
    #expect(Self.mode(path) == 0o600)
    // The pool keeps the WAL files while the store is open.
    for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
      #expect(Self.mode(path + suffix) == 0o600, "\(suffix) is \(String(Self.mode(path + suffix) ?? 0, radix: 8))")
    }
    #expect(FileManager.default.fileExists(atPath: path + "-wal"))
  }

  @Test func anExistingLedgerKeepsItsPermissions() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("ledger.sqlite")
    try Sample.commit(LedgerStore(path: path), "b1", [Sample.payment("P1")])
    chmod(path, 0o640)
    try Sample.commit(LedgerStore(path: path), "b2", [Sample.payment("P2")])
    #expect(Self.mode(path) == 0o640)
  }

  @Test func aReadOnlyStoreReadsWithoutWritingAndRefusesToWrite() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("ledger.sqlite")
    try Sample.commit(LedgerStore(path: path), "b1", [Sample.payment("P1"), Sample.payment("P2")])
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let reader = try LedgerStore(readingAt: path)
    #expect(try reader.payments(filter: .all).count == 2)
    #expect(try reader.summary(filter: .all).first?.count == 2)
    #expect(try reader.batches().count == 1)
    #expect(try reader.paidKeys(among: [Sample.payment("P1").key]).count == 1)
    #expect(throws: LedgerError.readOnly(path)) { try reader.void(paymentID: 1, reason: "x") }
    #expect(throws: LedgerError.readOnly(path)) { try Sample.commit(reader, "b2", [Sample.payment("P3")]) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    #expect(throws: LedgerError.missingFile(directory.path("none.sqlite"))) { try LedgerStore(readingAt: directory.path("none.sqlite")) }
  }

  /// Runs `sql` on the ledger outside the store, as a stray `sqlite3` session would.
  static func tamper(_ path: String, _ sql: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
  }

  @Test(arguments: [
    ("DROP INDEX payment_key_unvoided", "payment_key_unvoided"),
    ("DROP INDEX payment_key_unvoided; CREATE INDEX payment_key_unvoided ON payment(key)", "payment_key_unvoided"),
    ("DROP TRIGGER payment_never_deleted", "payment_never_deleted"),
    ("DROP TRIGGER payment_only_voided; CREATE TRIGGER payment_only_voided BEFORE UPDATE ON payment WHEN 0 BEGIN SELECT 1; END", "payment_only_voided"),
    ("CREATE TRIGGER sneaky AFTER INSERT ON payment BEGIN SELECT 1; END", "sneaky"),
  ])
  func aLedgerWhoseGuardsWereDamagedIsRefusedBeforeAnyPayment(sql: String, named: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("ledger.sqlite")
    try Sample.commit(LedgerStore(path: path), "b1", [Sample.payment("P1"), Sample.payment("P2")])
    try Self.tamper(path, sql)
    let store = try LedgerStore(path: path)
    #expect {
      try Sample.commit(store, "b2", [Sample.payment("P1"), Sample.payment("P2"), Sample.payment("P3")])
    } throws: { error in
      guard case LedgerError.damaged(_, let problem) = error else { return false }
      return problem.en.contains(named)
    }
    #expect(try store.payments(filter: .all).count == 2, "payments were recorded in a damaged ledger")
  }

  @Test func aLedgerWithCorruptPagesIsRefused() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("ledger.sqlite")
    try Sample.commit(LedgerStore(path: path), "b1", (0..<400).map { Sample.payment("P\($0)") })
    // Scribble over the middle of the file (past the schema page), as a failing disk would.
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    let size = try handle.seekToEnd()
    try handle.seek(toOffset: size / 2)
    try handle.write(contentsOf: Data(repeating: 0xA5, count: 8192))
    try handle.close()
    #expect {
      try Sample.commit(LedgerStore(path: path), "b2", [Sample.payment("Q1")])
    } throws: { error in
      if case LedgerError.damaged = error { return true }
      return (error as? DatabaseError)?.resultCode == .SQLITE_CORRUPT
    }
  }

  @Test func aSoundLedgerPassesTheCheck() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try LedgerStore(path: directory.path("ledger.sqlite"))
    try Sample.commit(store, "b1", [Sample.payment("P1")])
    try Sample.commit(store, "b2", [Sample.payment("P2")])
    #expect(try store.payments(filter: .all).count == 2)
    #expect(!LedgerIntegrity.expected.isEmpty)
    #expect(LedgerIntegrity.expected["payment_key_unvoided"]?.sql.contains("UNIQUE") == true)
  }

  @Test func ledgerTextShowsControlCharactersEscaped() {
    let stored = OutputTests.stored(Sample.payment("P1\u{1B}]0;title\u{07}"))
    let text = LedgerText.payments([stored])
    #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" })
    #expect(text.contains("P1\\e]0;title\\u{7}"))
  }

  @Test func paymentCSVDefusesFormulasInEveryFlavour() {
    var record = Sample.payment("=HYPERLINK(\"http://x\")")
    record.payee = "@SUM(A1)"
    for excel in [false, true] {
      let csv = PaymentCSV.render([OutputTests.stored(record)], excel: excel)
      #expect(csv.contains(#","'=HYPERLINK(""http://x"")","#), "\(csv)")
      #expect(csv.contains(",'@SUM(A1),"), "\(csv)")
    }
  }
}
