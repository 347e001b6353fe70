/// A six-digit administrative division code (行政区划代码, GB/T 2260), e.g.
/// `533123` for 盈江县 in 德宏州, 云南 (prefecture 5331, province 53).
///
/// Residence (户籍) and work destinations are compared by these codes to decide
/// which subsidy tier applies (see `scope(to:)`), and a policy's jurisdiction is
/// a prefix of one (see `isWithin(prefix:)`). Parsing checks the province
/// digits against the real list so that a transposed or truncated code in a
/// fact file is reported instead of silently landing "out of province".
public struct DivisionCode: Hashable, Sendable {
  /// The code as a number, 110000…829999.
  public let value: Int32

  init(unchecked value: Int32) {
    self.value = value
  }

  /// A code stored earlier as its number (a fact column): it was checked when it was first parsed.
  package init(stored value: Int32) {
    self.value = value
  }

  /// The first two digits: the province-level division (e.g. 53 = 云南).
  public var province: Int { Int(value) / 10_000 }

  /// The first four digits: the prefecture-level division (e.g. 5331 = 德宏州).
  public var prefecture: Int { Int(value) / 100 }

  /// Province-level codes in GB/T 2260: the mainland provinces, autonomous
  /// regions and municipalities, plus 71 台湾, 81 香港, 82 澳门.
  public static func isProvinceCode(_ code: Int) -> Bool {
    switch code {
    case 11...15, 21...23, 31...37, 41...46, 50...54, 61...65, 71, 81, 82: return true
    default: return false
    }
  }
}

extension DivisionCode: CustomStringConvertible {
  /// The six digits (never needs padding: the smallest province code is 11).
  public var description: String { String(value) }
}
