/// How far a worker goes from home: the tier most transport and placement
/// subsidies are keyed by (`scope(person.hukou, dispatch.destination)` in the
/// policy language), and division membership for jurisdictions.
extension DivisionCode {
  /// The distance tier from this code (the origin) to `destination`, judged by
  /// the longest shared prefix: all 6 digits, the first 4, the first 2, or none.
  public func scope(to destination: DivisionCode) -> Scope {
    if value == destination.value { return .inCounty }
    if prefecture == destination.prefecture { return .inPrefecture }
    if province == destination.province { return .inProvince }
    return .outOfProvince
  }

  /// True when this code lies in the division named by `prefix`, a string of
  /// 2, 4 or 6 ASCII digits: "53", "5331" and "533123" all contain 533123.
  /// Any other prefix (wrong length, non-digits) contains nothing.
  public func isWithin(prefix: String) -> Bool {
    isWithin(prefix: Substring(prefix))
  }

  public func isWithin(prefix: Substring) -> Bool {
    let bytes = prefix.utf8
    let divisor: Int
    switch bytes.count {
    case 2: divisor = 10_000
    case 4: divisor = 100
    case 6: divisor = 1
    default: return false
    }
    guard let number = ASCII.number(bytes, from: bytes.startIndex, count: bytes.count) else {
      return false
    }
    return Int(value) / divisor == number
  }

  /// So that both `Scope` and `DivisionCode.Scope` name the tier enum.
  public typealias Scope = PolicyValues.Scope
}
