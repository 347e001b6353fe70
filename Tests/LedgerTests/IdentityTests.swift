import Foundation
import GRDB
import Testing
@testable import Ledger
@testable import LedgerPostgres

/// The ledger remembers which ID number each person id had, as a keyed hash, never the number.
@Suite struct IdentityTests {
  @Test func sha256AndHMACMatchTheStandardVectors() {
    #expect(HMACSHA256.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(HMACSHA256.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    #expect(HMACSHA256.hex(SHA256.hash(long)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    // RFC 4231, test case 2.
    #expect(HMACSHA256.hex(HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
  }

  @Test(arguments: StoreKind.configured)
  func anIDNumberUnderASecondIDOrASecondNumberForOneIDIsAConflictInLaterBatches(_ kind: StoreKind) throws {
    let ledger = try TestLedger(kind)
    defer { ledger.remove() }
    let store = ledger.store
    let number = "533123199804010018"
    _ = try store.commit(Sample.batch("b1")) { tx in
      let claim = IdentityRecord(kind: "person", id: "P1", number: number)
      #expect(try tx.identityConflict(claim) == nil)
      try tx.recordIdentity(claim)
      try tx.recordIdentity(claim)  // the same again is no conflict and no second row
      // Within the batch, before anything is written: a second id for the number is a conflict.
      #expect(try tx.identityConflict(IdentityRecord(kind: "person", id: "P9", number: number)) != nil)
    }
    _ = try store.commit(Sample.batch("b2")) { tx in
      #expect(try tx.identityConflict(IdentityRecord(kind: "person", id: "P1", number: number)) == nil)
      let second = try tx.identityConflict(IdentityRecord(kind: "person", id: "P2", number: number))
      #expect(second?.description.contains("`P1`") == true, "\(second.map(String.init(describing:)) ?? "nil")")
      let other = try tx.identityConflict(IdentityRecord(kind: "person", id: "P1", number: "533123199001010022"))
      #expect(other?.description.contains("another ID number") == true)
    }
    // The same answers when the claims are looked up together first (a server ledger's one query per chunk).
    _ = try store.commit(Sample.batch("b3")) { tx in
      let claims = [IdentityRecord(kind: "person", id: "P2", number: number), IdentityRecord(kind: "person", id: "P1", number: "533123199001010022"),
                    IdentityRecord(kind: "person", id: "P3", number: "533123199001010030")]
      try tx.prefetchIdentities(claims)
      #expect(try tx.identityConflict(claims[0])?.description.contains("`P1`") == true)
      #expect(try tx.identityConflict(claims[1])?.description.contains("another ID number") == true)
      #expect(try tx.identityConflict(claims[2]) == nil)
      try tx.recordIdentity(claims[2])
      #expect(try tx.identityConflict(IdentityRecord(kind: "person", id: "P4", number: "533123199001010030"))?.description.contains("`P3`") == true)
    }
    switch kind {
    case .sqlite:
      let bytes = try Data(contentsOf: URL(fileURLWithPath: ledger.location))
      #expect(bytes.range(of: Data(number.utf8)) == nil, "the raw ID number is stored in the ledger")
      let queue = try DatabaseQueue(path: ledger.location)
      #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM identity") } == 2)
      #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "DELETE FROM identity") } }
      #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "UPDATE identity_key SET key = randomblob(32)") } }
    case .postgres:
      let session = try PostgresSession(try PostgresAddress(url: ledger.location))
      let rows = try session.query("SELECT entity_id, number_hash FROM identity ORDER BY entity_id")
      #expect(rows.count == 2)
      #expect(try rows.first?.value("number_hash", as: String.self) != number)
      let dump = try session.query("SELECT string_agg(i::text, ' ') AS t FROM identity i").first?.value("t", as: String.self) ?? ""
      #expect(!dump.contains(number), "the raw ID number is stored in the ledger")
      #expect(throws: (any Error).self) { try session.query("DELETE FROM identity") }
      #expect(throws: (any Error).self) { try session.query("UPDATE identity_key SET key = key") }
      #expect(throws: (any Error).self) { try session.query("TRUNCATE identity") }
    }
  }
}
