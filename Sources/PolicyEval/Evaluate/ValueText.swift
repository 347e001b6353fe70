import PolicyCheck
import PolicyDSL
import PolicyValues

/// An exact, reversible text form of a value: how a group's key and its distinct values are kept.
///
/// A `[Value]` key costs an array on the heap and 24 bytes a value; its text form is one `String`,
/// stored inline up to 15 UTF-8 bytes (`s9:P00000001`) and otherwise in one allocation, hashed as
/// bytes, and written to a batch's spill store as it is. Two values have the same text exactly when
/// they are equal (`==`), so a `count_distinct` over texts counts what one over values would: nothing
/// is hashed away. Each value is a tag and its payload; a string says its length in UTF-8 bytes first,
/// so any characters in it (`;`, `:`, NUL) stay inside it.
package enum ValueText {
  /// The text of a sequence of values (a group key): their texts one after another.
  package static func encode(_ values: [Value]) -> String {
    var out = ""
    for value in values { append(value, to: &out) }
    return out
  }

  /// The text of one value.
  package static func encode(_ value: Value) -> String {
    var out = ""
    append(value, to: &out)
    return out
  }

  /// A text that two values share exactly when they are equal (`==`), for counting and finding them.
  /// Swift compares strings by canonical equivalence (`é` precomposed equals `e` and a combining accent),
  /// so a string that is not ASCII is written in its NFC form: the form `==` itself compares
  /// (`_nfcCodeUnits`). The text keeps the value's meaning but not always its exact characters: a key
  /// is decoded from `encode`'s text, never from this one.
  package static func identity(_ values: [Value]) -> String {
    var out = ""
    for value in values { append(value, to: &out, normalized: true) }
    return out
  }

  /// The identity text of a key whose `encode` text is `text`, when it is that text (ASCII: nothing
  /// to normalise); nil when the values must be normalised.
  package static func identity(ofText text: String) -> String? {
    text.utf8.allSatisfy { $0 < 0x80 } ? text : nil
  }

  package static func identity(_ value: Value) -> String {
    var out = ""
    append(value, to: &out, normalized: true)
    return out
  }

  /// The values of a key's text; nil when the text is not one `encode` wrote.
  package static func decode(_ text: String) -> [Value]? {
    var text = text
    return text.withUTF8 { decode(utf8: $0) }
  }

  static func append(_ value: Value, to out: inout String, normalized: Bool = false) {
    switch value {
    case .null: out += "-"
    case .bool(let b): out += b ? "t" : "f"
    case .number(let n): out += "n\(n.raw);"
    case .date(let d): out += "d\(d.packedValue);"
    case .string(let s): string("s", normalized ? nfc(s) : s, to: &out)
    case .code(let c): out += "c\(c.value);"
    case .enumCase(let i): out += "e\(i);"
    case .entity(let kind, let index): out += "E\(kind),\(index);"
    case .list(let items):
      out += "l\(items.count);"
      for item in items { append(item, to: &out, normalized: normalized) }
    case .duration(let n, let unit): out += "D\(n),\(unit.rawValue);"
    case .undetermined(let reason): appendReason(reason, to: &out, normalized: normalized)
    }
  }

  /// `s` in the form `==` compares: ASCII as it is (already NFC), anything else normalised.
  static func nfc(_ s: String) -> String {
    if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
    return String(decoding: s._nfcCodeUnits, as: UTF8.self)
  }

  private static func string(_ tag: String, _ s: String, to out: inout String) {
    out += "\(tag)\(s.utf8.count):"
    out += s
  }

  private static func appendReason(_ reason: Undetermined, to out: inout String, normalized: Bool) {
    let string = { (tag: String, s: String, out: inout String) in Self.string(tag, normalized ? nfc(s) : s, to: &out) }
    switch reason {
    case .eventDateUnknown(let s): string("u0", s, &out)
    case .eventDateNotGiven(let s): string("u1", s, &out)
    case .noValue(let parameter, let on):
      string("u2", parameter, &out)
      out += "\(on.packedValue);"
    case .noRow(let table, let key):
      string("u3", table, &out)
      string("", key, &out)
    case .tooLarge(let s): string("u4", s, &out)
    case .divisionByZero(let s): string("u5", s, &out)
    case .leavesCalendar(let s): string("u6", s, &out)
    case .notADate(let s): string("u7", s, &out)
    case .silent(let s): string("u8", s, &out)
    case .amountFactNotGiven: out += "u9"
    case .limitPartUnknown(let parts):
      out += "uA\(parts.count);"
      for part in parts { string("", part, &out) }
    }
  }

  /// Reads values back from a text's UTF-8 bytes, in place.
  struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0
    var atEnd: Bool { at >= bytes.count }

    mutating func byte() -> UInt8? {
      guard at < bytes.count else { return nil }
      defer { at += 1 }
      return bytes[at]
    }

    /// A decimal integer ending at `end` (`;`, `,` or `:`).
    /// Read as `Int64(_:)` reads it (a sign, then at least one digit), with no string made.
    mutating func integer(until end: Unicode.Scalar) -> Int64? {
      let start = at
      while at < bytes.count, bytes[at] != UInt8(ascii: end) { at += 1 }
      guard at < bytes.count, let n = Self.decimal(bytes[start..<at]) else { return nil }
      at += 1
      return n
    }

    static func decimal(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
      var rest = digits[...]
      let negative = rest.first == UInt8(ascii: "-")
      if negative || rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
      guard !rest.isEmpty else { return nil }
      // Gathered negative, so that Int64.min is read too.
      var n: Int64 = 0
      for byte in rest {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        let (times10, o1) = n.multipliedReportingOverflow(by: 10)
        let (next, o2) = times10.subtractingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
        guard !o1, !o2 else { return nil }
        n = next
      }
      if negative { return n }
      return n == Int64.min ? nil : -n
    }

    /// A string written as `<length>:<bytes>`.
    mutating func string() -> String? {
      guard let length = integer(until: ":"), length >= 0, at + Int(length) <= bytes.count else { return nil }
      defer { at += Int(length) }
      return String(decoding: bytes[at..<at + Int(length)], as: UTF8.self)
    }

    mutating func value() -> Value? {
      guard let tag = byte() else { return nil }
      switch UnicodeScalar(tag) {
      case "-": return .null
      case "t": return .bool(true)
      case "f": return .bool(false)
      case "n": return integer(until: ";").map { .number(Fixed(raw: $0)) }
      case "d": return integer(until: ";").flatMap { UInt32(exactly: $0) }.map { .date(CivilDate(packed: $0)) }
      case "s": return string().map(Value.string)
      case "c": return integer(until: ";").flatMap { Int32(exactly: $0) }.map { .code(DivisionCode(stored: $0)) }
      case "e": return integer(until: ";").map { .enumCase(Int($0)) }
      case "E":
        guard let kind = integer(until: ","), let index = integer(until: ";") else { return nil }
        return .entity(kind: Int(kind), index: Int(index))
      case "l":
        guard let count = integer(until: ";"), count >= 0 else { return nil }
        var items: [Value] = []
        for _ in 0..<count {
          guard let item = value() else { return nil }
          items.append(item)
        }
        return .list(items)
      case "D":
        guard let n = integer(until: ","), let unit = string(until: ";").flatMap(DurationUnit.init(rawValue:)) else { return nil }
        return .duration(Int(n), unit)
      case "u": return reason().map(Value.undetermined)
      default: return nil
      }
    }

    /// Raw bytes up to `end`, which is skipped.
    mutating func string(until end: Unicode.Scalar) -> String? {
      let start = at
      while at < bytes.count, bytes[at] != UInt8(ascii: end) { at += 1 }
      guard at < bytes.count else { return nil }
      defer { at += 1 }
      return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    mutating func reason() -> Undetermined? {
      guard let kind = byte() else { return nil }
      switch UnicodeScalar(kind) {
      case "0": return string().map(Undetermined.eventDateUnknown)
      case "1": return string().map(Undetermined.eventDateNotGiven)
      case "2":
        guard let parameter = string(), let on = integer(until: ";").flatMap({ UInt32(exactly: $0) }) else { return nil }
        return .noValue(parameter: parameter, on: CivilDate(packed: on))
      case "3":
        guard let table = string(), let key = string() else { return nil }
        return .noRow(table: table, key: key)
      case "4": return string().map(Undetermined.tooLarge)
      case "5": return string().map(Undetermined.divisionByZero)
      case "6": return string().map(Undetermined.leavesCalendar)
      case "7": return string().map(Undetermined.notADate)
      case "8": return string().map(Undetermined.silent)
      case "9": return .amountFactNotGiven
      case "A":
        guard let count = integer(until: ";"), count >= 0 else { return nil }
        var parts: [String] = []
        for _ in 0..<count {
          guard let part = string() else { return nil }
          parts.append(part)
        }
        return .limitPartUnknown(parts)
      default: return nil
      }
    }
  }
}
