import PolicyValues
import Foundation
import Testing
@testable import Ledger

/// Money printed from fen by integer arithmetic; ID numbers masked by default.
@Suite struct OutputTests {
  @Test(arguments: [
    (Int64(0), "0.00"), (5, "0.05"), (50, "0.50"), (100, "1.00"), (123_456, "1234.56"),
    (-5, "-0.05"), (Int64.max, "92233720368547758.07"), (Int64.min, "-92233720368547758.08"),
  ])
  func yuanFromFen(fen: Int64, text: String) {
    #expect(Yuan.format(fen: fen) == text)
  }

  @Test func maskHidesIDNumberLookingValues() {
    #expect(PIIMask.mask("533123199001011234") == "533123********1234")
    #expect(PIIMask.mask("53312319900101123X") == "533123********123X")
    #expect(PIIMask.mask("id 53312319900101123x, key") == "id 533123********123x, key")
    #expect(PIIMask.mask("yingjiang|r|533123199001011234|2024") == "yingjiang|r|533123********1234|2024")
    #expect(PIIMask.mask(#"{"id_number":"533123199001011234"}"#) == #"{"id_number":"533123********1234"}"#)
    // Not 18 characters: left alone.
    #expect(PIIMask.mask("53312319900101123") == "53312319900101123")
    #expect(PIIMask.mask("5331231990010112345") == "5331231990010112345")
    #expect(PIIMask.mask("P1 盈江 2024") == "P1 盈江 2024")
    #expect(PIIMask.mask("533123199001011234", show: true) == "533123199001011234")
  }

  static func stored(_ record: PaymentRecord) -> StoredPayment {
    StoredPayment(
      id: 7, record: record, batchID: "b1", recordedAt: "2024-07-01T00:00:00.000Z", engineVersion: "0.1.0",
      policyHash: "h", asOf: "2024-06-30", source: "f.yaml", voidedAt: nil, voidReason: nil)
  }

  @Test func csvQuotesMasksAndWritesABOMForExcel() {
    var record = Sample.payment("533123199001011234")
    record.clause = "七（一）, 第2款"
    let plain = PaymentCSV.render([Self.stored(record)])
    #expect(plain.hasPrefix("id,key,policy"))
    #expect(plain.contains("533123********1234"))
    #expect(!plain.contains("533123199001011234"))
    #expect(plain.contains("\"七（一）, 第2款\""))
    #expect(plain.contains(",500.00,50000,"))
    #expect(plain.contains(#""{""rule"""#))
    let excel = PaymentCSV.render([Self.stored(record)], showPII: true, excel: true)
    #expect(excel.unicodeScalars.first == "\u{FEFF}")
    #expect(excel.contains("533123199001011234"))
    #expect(excel.contains("\r\n"))
    #expect(PaymentCSV.render([Self.stored(Sample.payment("=SUM(A1)"))], excel: true).contains(",'=SUM(A1),"))
  }

  @Test func jsonEmbedsTheExplanationAndKeepsFenExact() throws {
    let json = try PaymentJSON.payments([Self.stored(Sample.payment("533123199001011234"))])
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
    let first = try #require(parsed.first)
    #expect(first["amount_fen"] as? Int == 50_000)
    #expect(first["amount_yuan"] as? String == "500.00")
    #expect(first["beneficiary"] as? String == "533123********1234")
    #expect((first["explanation"] as? [String: Any])?["rule"] as? String == "employment-service-subsidy")
  }

  @Test func textListsPaymentsAndTotals() {
    let text = LedgerText.payments([Self.stored(Sample.payment("P1"))])
    #expect(text.contains("yingjiang/employment-service-subsidy"))
    #expect(text.hasSuffix("1 paid, total 500.00 yuan\n"))
    let summary = LedgerText.summary([SummaryRow(policy: "p", rule: "r", funding: nil, count: 2, totalFen: 1_001)])
    #expect(summary.contains("10.01"))
  }
}
