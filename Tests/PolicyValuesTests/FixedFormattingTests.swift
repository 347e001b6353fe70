import Testing
import PolicyValues

@Suite("Fixed formatting")
struct FixedFormattingTests {
  @Test(arguments: [
    (Int64(1_000_000), "100", "100.00"),
    (17_000, "1.7", "1.70"),
    (4_000, "0.4", "0.40"),
    (-35_000, "-3.5", "-3.50"),
    (0, "0", "0.00"),
    (1, "0.0001", "0.00"),
    (-1, "-0.0001", "0.00"),  // rounds to zero: no "-0.00"
    (1_250, "0.125", "0.13"),
    (-1_250, "-0.125", "-0.13"),
    (49_997_500, "4999.75", "4999.75"),
    (20_400_000, "2040", "2040.00"),
    (10_050, "1.005", "1.01"),
    (Int64.max, "922337203685477.5807", "922337203685477.58"),
    (Int64.min, "-922337203685477.5808", "-922337203685477.58"),
  ])
  func formats(raw: Int64, description: String, fen: String) {
    let value = Fixed(raw: raw)
    #expect(value.description == description)
    #expect(value.fenString == fen)
    #expect(Fixed.parse(value.description) == value)  // description round-trips
  }
}
