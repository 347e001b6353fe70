import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues

/// Converts CSV cells (bytes) to values of a field's type, on the hot path: no `String` unless the
/// field is text or the cell is bad and needs a message.
struct CellConverter: Sendable {
  /// Each enum's cases as bytes, for comparison without building a `String`.
  let enumCases: [String: [[UInt8]]]

  init(schema: FactSchema) {
    enumCases = schema.enums.mapValues { $0.cases.map { Array($0.utf8) } }
  }

  enum Outcome {
    case value(Value)
    case empty
    case bad(String)
  }

  func convert(_ cell: UnsafeBufferPointer<UInt8>, _ type: FieldType) -> Outcome {
    let bytes = trimmed(cell)
    if bytes.isEmpty { return .empty }
    switch type {
    case .id, .string:
      return .value(.string(String(decoding: bytes, as: UTF8.self)))
    case .bool:
      if equalsIgnoringCase(bytes, "true") { return .value(.bool(true)) }
      if equalsIgnoringCase(bytes, "false") { return .value(.bool(false)) }
      return .bad("must be true or false, found `\(text(bytes))`")
    case .number, .money:
      if let n = Fixed.parse(utf8: bytes) { return .value(.number(n)) }
      return .bad("must be a number with at most 4 decimals, found `\(text(bytes))`")
    case .integer:
      if let n = Fixed.parse(utf8: bytes), n.isInteger { return .value(.number(n)) }
      return .bad("must be a whole number, found `\(text(bytes))`")
    case .date:
      if let d = CivilDate.parse(utf8: bytes) { return .value(.date(d)) }
      let s = text(bytes)
      return .bad("`\(s)` is not a date" + (DateText.explain(s).map { ": \($0)" } ?? " (write YYYY-MM-DD)"))
    case .code:
      if let c = DivisionCode.parse(utf8: bytes) { return .value(.code(c)) }
      let s = text(bytes)
      return .bad("`\(s)` is not a division code: \(DivisionCode.diagnose(s) ?? "not 6 digits")")
    case .idNumber:
      if Self.isValidIDNumber(bytes) { return .value(.string(text(bytes))) }
      switch IDNumber.validate(text(bytes)) {
      case .success(let id): return .value(.string(id.value))
      case .failure(let problem): return .bad("is not a valid ID number: \(problem)")
      }
    case .enumeration(let name):
      guard let cases = enumCases[name] else { return .bad("unknown enum `\(name)`") }
      for (i, c) in cases.enumerated() where c.count == bytes.count && c.elementsEqual(bytes) { return .value(.enumCase(i)) }
      let s = text(bytes)
      let names = cases.map { String(decoding: $0, as: UTF8.self) }
      return .bad("`\(s)` is not a value of `\(name)`" + (didYouMean(s, names).map { "; did you mean `\($0)`?" } ?? ""))
    case .list(let inner):
      var values: [Value] = []
      var start = 0
      for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: ";") {
        let part = UnsafeBufferPointer(rebasing: bytes[start..<i])
        start = i + 1
        switch convert(part, inner) {
        case .value(let v): values.append(v)
        case .empty: continue
        case .bad(let why): return .bad(why)
        }
      }
      return .value(.list(values))
    case .reference:
      return .value(.string(String(decoding: bytes, as: UTF8.self)))
    }
  }

  /// The common case checked on bytes (length, digits, region, birth date, ISO 7064 check digit);
  /// anything else goes through `IDNumber.validate` for its message.
  static func isValidIDNumber(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard b.count == 18 else { return false }
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    var sum = 0
    for i in 0..<17 {
      let d = Int(b[i]) - 48
      guard (0...9).contains(d) else { return false }
      sum += d * weights[i]
    }
    let check = Array("10X98765432".utf8)[sum % 11]
    guard b[17] == check || (check == UInt8(ascii: "X") && b[17] == UInt8(ascii: "x")) else { return false }
    guard DivisionCode.parse(utf8: UnsafeBufferPointer(rebasing: b[0..<6])) != nil else { return false }
    func number(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[$1]) - 48 } }
    return CivilDate(year: number(6..<10), month: number(10..<12), day: number(12..<14)) != nil
  }

  private func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    guard b.count > 0 else { return b }
    var lo = 0, hi = b.count
    while lo < hi, b[lo] == UInt8(ascii: " ") || b[lo] == UInt8(ascii: "\t") { lo += 1 }
    while hi > lo, b[hi - 1] == UInt8(ascii: " ") || b[hi - 1] == UInt8(ascii: "\t") { hi -= 1 }
    if lo == 0, hi == b.count { return b }
    return UnsafeBufferPointer(rebasing: b[lo..<hi])
  }

  private func equalsIgnoringCase(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
    guard b.count == word.utf8CodeUnitCount else { return false }
    let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    for i in 0..<b.count where (b[i] | 0x20) != w[i] { return false }
    return true
  }

  private func text(_ b: UnsafeBufferPointer<UInt8>) -> String { String(decoding: b, as: UTF8.self) }

  private func didYouMean(_ s: String, _ names: [String]) -> String? {
    EditDistance.suggestion(for: s, among: names)
  }
}
