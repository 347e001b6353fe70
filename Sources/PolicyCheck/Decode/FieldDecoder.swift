import PolicyDSL
import PolicySupport
import PolicyValues

/// The one decoder of fact values: the bytes of one cell → a `Value` of the field's type, or why not.
///
/// Every reader calls it: YAML and JSON facts (`FieldConverter`), JSON Lines (through the facts
/// loader), the batch CSV (`RowDecoder`), schema defaults and bounds, and policy parameters. The
/// formats only find the cells; what a value may be is decided here, once: the same spellings
/// (`true`, `True`, `TRUE` as in YAML 1.2's core schema), the same number grammar (`Fixed`), the same
/// ID-number check (`IDNumber`, the one check digit), and the schema's bounds (`min`, `max`).
///
/// It works on UTF-8 bytes and allocates only for text values (ids, names) and for messages, so the
/// batch hot path costs what it did.
public struct FieldDecoder: Sendable {
  /// What went wrong with a value; the caller adds where (file:line:column, or line and column).
  public struct Problem: Error, Sendable, Equatable {
    /// The diagnostic code (`invalid-value`, `invalid-date`, `value-out-of-range`…).
    public var code: DiagnosticCode
    /// A fragment that follows the field's name: "must be true or false, found `yes`".
    public var message: String
    /// The same in Chinese: "须为 `true` 或 `false`，实际为 `yes`".
    public var messageZh: String
    public var help: String?
    public var helpZh: String?
    public init(_ code: DiagnosticCode, _ message: String, zh: String, help: String? = nil, helpZh: String? = nil) {
      self.code = code
      self.message = message
      self.messageZh = zh
      self.help = help
      self.helpZh = helpZh
    }
    /// The message with its help, for one-line outputs (a batch reject's reason).
    public var sentence: String { help.map { "\(message) (\($0))" } ?? message }
    /// The same in Chinese (the help in full-width parentheses).
    public var sentenceZh: String { helpZh.map { "\(messageZh)（\($0)）" } ?? messageZh }
    /// Both, for a batch reject's reason.
    public var text: LocalizedText { LocalizedText(sentence, zh: sentenceZh) }
  }

  public enum Outcome {
    case value(Value)
    /// Nothing written (an empty cell): null, or the default, or "required" — the caller decides.
    case empty
    case bad(Problem)
  }

  /// A field's type resolved for decoding (enum names to case tables), with its bounds. Built once
  /// per field, not per cell. A class: a batch hands one to the decoder for every cell, and a reference
  /// is passed without copying (and reference counting) the type and bounds it holds.
  public final class Spec: Sendable {
    /// Only `list` is boxed: copying any other kind (every cell of a batch does) costs no reference count.
    enum Kind: Sendable {
      case text, bool, number, integer, date, code, idNumber, enumeration(Int), reference
      indirect case list(Kind)
    }
    let kind: Kind
    public let type: FieldType
    public let minimum: Value?
    public let maximum: Value?
    /// Personal data: messages never quote the value in full.
    public let pii: Bool
    /// A text cell (an id, a name), which the batch checks for control characters.
    public let isText: Bool
    /// The bounds in the fixed-width form (`decodeFixedWidth`), which orders as the values do; nil
    /// where there is none. `hasEncodedBounds` is false when a bound has no such form (then the
    /// field takes `decode`).
    let encodedMinimum: Int64?
    let encodedMaximum: Int64?
    let hasEncodedBounds: Bool

    init(kind: Kind, type: FieldType, minimum: Value?, maximum: Value?, pii: Bool) {
      self.kind = kind
      self.type = type
      self.minimum = minimum
      self.maximum = maximum
      self.pii = pii
      isText = type.isText
      encodedMinimum = minimum.flatMap { Self.encodedBound($0, kind) }
      encodedMaximum = maximum.flatMap { Self.encodedBound($0, kind) }
      hasEncodedBounds = (minimum == nil || encodedMinimum != nil) && (maximum == nil || encodedMaximum != nil)
    }

    /// A bound in the fixed-width form of a cell of `kind`: a number's `Fixed.raw`, a date's packed
    /// value; nil for any other pairing (`FieldDecoder.less` compares only those two).
    private static func encodedBound(_ bound: Value, _ kind: Kind) -> Int64? {
      switch (bound, kind) {
      case (.number(let n), .number), (.number(let n), .integer): n.raw
      case (.date(let d), .date): Int64(d.packedValue)
      default: nil
      }
    }
  }

  /// Each enum's name and cases as bytes, for comparison without building a `String`.
  let enums: [(name: String, cases: [[UInt8]])]
  /// Each enum's cases as `CaseKeys`, what `caseIndex` compares a cell with.
  let caseKeys: [CaseKeys]
  private let enumIndex: [String: Int]

  public init(schema: FactSchema) {
    let names = schema.enums.keys.sorted()
    enums = names.map { name in (name, schema.enums[name]!.cases.map { Array($0.utf8) }) }
    caseKeys = enums.map { CaseKeys($0.cases) }
    enumIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
  }

  public func spec(_ field: FactSchema.Field) -> Spec {
    Spec(kind: kind(field.type), type: field.type, minimum: field.minimum, maximum: field.maximum, pii: field.pii)
  }

  public func spec(type: FieldType) -> Spec {
    Spec(kind: kind(type), type: type, minimum: nil, maximum: nil, pii: false)
  }

  private func kind(_ type: FieldType) -> Spec.Kind {
    switch type {
    case .id, .string: .text
    case .bool: .bool
    case .number, .money: .number
    case .integer: .integer
    case .date: .date
    case .code: .code
    case .idNumber: .idNumber
    case .enumeration(let name): .enumeration(enumIndex[name] ?? -1)
    case .reference: .reference
    case .list(let inner): .list(kind(inner))
    }
  }

  /// Decodes text (a YAML or JSON scalar, a default, a parameter value).
  public func decode(_ text: String, _ spec: Spec, asOf: CivilDate? = nil) -> Outcome {
    var text = text
    return text.withUTF8 { decode($0, spec, asOf: asOf) }
  }

  /// A cell of a fixed-width type decoded to the number a fact column holds for it (`FactColumn`):
  /// `Fixed.raw` for numbers and amounts, `CivilDate.packedValue`, `DivisionCode.value`, the enum
  /// case's index, 0 or 1.
  public enum FixedWidthOutcome {
    case value(Int64)
    case empty
    case bad(Problem)
  }

  /// Whether `decodeFixedWidth` decodes cells of `spec`: a bool, number, whole number, date, division
  /// code or enum case, with bounds only in the fixed-width form (a number's or a date's).
  public func decodesFixedWidth(_ spec: Spec) -> Bool {
    guard spec.hasEncodedBounds else { return false }
    switch spec.kind {
    case .bool, .number, .integer, .date, .code, .idNumber: return true
    case .enumeration(let e), .list(.enumeration(let e)): return e >= 0 && e < enums.count
    case .text, .reference, .list: return false
    }
  }

  /// The batch's path for the cells `decodesFixedWidth` accepts: the same grammar as `decode`, with no
  /// `Value` made; the bounds are compared in the encoded form. A cell it refuses (or finds out of
  /// bounds) is decoded again by `decode`, so the problem and its wording are the one decoder's.
  /// `asOf` is the date judged on, which an ID number's birth date may not be later than (as `decode`);
  /// no default, so a caller cannot leave the check out by forgetting it.
  @inline(__always)
  public func decodeFixedWidth(_ cell: UnsafeBufferPointer<UInt8>, _ spec: Spec, asOf: CivilDate?) -> FixedWidthOutcome {
    let bytes = Self.trimmed(cell)
    if bytes.isEmpty { return .empty }
    var decoded: Int64?
    switch spec.kind {
    case .bool: decoded = Self.fixedWidthBool(bytes)
    case .number: decoded = Self.fixedWidthNumber(bytes)
    case .integer: decoded = Self.fixedWidthInteger(bytes)
    case .date: decoded = Self.fixedWidthDate(bytes)
    case .code: decoded = Self.fixedWidthCode(bytes)
    case .enumeration(let e): decoded = e >= 0 && e < enums.count ? caseIndex(e, bytes).map(Int64.init) : nil
    case .list(.enumeration(let e)): decoded = e >= 0 && e < enums.count ? caseBits(e, bytes) : nil
    case .idNumber: decoded = Self.fixedWidthIDNumber(bytes, asOf: asOf)
    case .text, .reference, .list: decoded = nil
    }
    if let decoded, spec.encodedMinimum.map({ decoded >= $0 }) ?? true, spec.encodedMaximum.map({ decoded <= $0 }) ?? true {
      return .value(decoded)
    }
    switch decode(cell, spec, asOf: asOf) {
    case .bad(let problem): return .bad(problem)
    case .empty: return .empty
    case .value: return .bad(Problem("invalid-value", "has no fixed-width form", zh: "没有定长形式"))
    }
  }

  /// Decodes one cell's bytes. Spaces and tabs around the value are not part of it; empty is `.empty`.
  /// A `list(…)` cell is `a;b;c`.
  public func decode(_ cell: UnsafeBufferPointer<UInt8>, _ spec: Spec, asOf: CivilDate? = nil) -> Outcome {
    let bytes = Self.trimmed(cell)
    if bytes.isEmpty { return .empty }
    let outcome = decode(bytes, spec.kind, spec, asOf)
    guard spec.minimum != nil || spec.maximum != nil, case .value(let v) = outcome else { return outcome }
    if let problem = bounds(v, spec, bytes) { return .bad(problem) }
    return outcome
  }

  private func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ kind: Spec.Kind, _ spec: Spec, _ asOf: CivilDate?) -> Outcome {
    switch kind {
    case .text, .reference:
      return .value(.string(String(decoding: bytes, as: UTF8.self)))
    case .bool:
      if Self.spells(bytes, "true") { return .value(.bool(true)) }
      if Self.spells(bytes, "false") { return .value(.bool(false)) }
      return .bad(Problem("invalid-value", "must be true or false, found \(quoted(bytes, spec))",
                          zh: "须为 `true` 或 `false`，实际为 \(quoted(bytes, spec))"))
    case .number:
      if let n = Fixed.parse(utf8: bytes) { return .value(.number(n)) }
      return .bad(Problem("invalid-value", "must be a number, found \(quoted(bytes, spec))", zh: "须为数，实际为 \(quoted(bytes, spec))",
                          help: "write digits with at most 4 decimals, e.g. 350.00", helpZh: "请写数字，最多 4 位小数，例如 350.00"))
    case .integer:
      if let n = Fixed.parse(utf8: bytes), n.isInteger { return .value(.number(n)) }
      return .bad(Problem("invalid-value", "must be a whole number, found \(quoted(bytes, spec))", zh: "须为整数，实际为 \(quoted(bytes, spec))"))
    case .date:
      if let d = CivilDate.parse(utf8: bytes) { return .value(.date(d)) }
      let s = String(decoding: bytes, as: UTF8.self)
      return .bad(Problem("invalid-date", "must be a date, found \(quoted(bytes, spec))", zh: "须为日期，实际为 \(quoted(bytes, spec))",
                          help: DateText.explain(s) ?? "write YYYY-MM-DD", helpZh: DateText.explainZh(s) ?? "请写成 `YYYY-MM-DD`"))
    case .code:
      if let c = DivisionCode.parse(utf8: bytes) { return .value(.code(c)) }
      let s = String(decoding: bytes, as: UTF8.self)
      return .bad(Problem("invalid-division-code", "\(quoted(bytes, spec)) is not a division code: \(DivisionCode.diagnose(s) ?? "not 6 digits")",
                          zh: "\(quoted(bytes, spec)) 不是行政区划代码：\(DivisionCode.diagnoseZh(s) ?? "不是 6 位数字")",
                          help: "write the 6-digit division code, e.g. 533123", helpZh: "请写 6 位行政区划代码，例如 533123"))
    case .idNumber:
      switch IDNumber.validate(utf8: bytes) {
      case .success(let id):
        // A person cannot be born after the day the case is judged on.
        if let asOf, id.birthDate > asOf {
          return .bad(Problem("invalid-id-number", "is not a valid ID number: its birth date (digits 7–14) is later than the date judged on, \(asOf)",
                              zh: "不是有效的身份证号：出生日期（第 7–14 位）晚于评判日期 \(asOf)"))
        }
        return .value(.string(id.value))
      case .failure(let problem):
        // The birth date is what masking hides: a pii field's message does not quote it either.
        if spec.pii, case .impossibleBirthDate = problem {
          return .bad(Problem("invalid-id-number", "is not a valid ID number: its birth date (digits 7–14) is not a real YYYYMMDD date",
                              zh: "不是有效的身份证号：出生日期（第 7–14 位）不是真实的日期"))
        }
        return .bad(Problem("invalid-id-number", "is not a valid ID number: \(problem)", zh: "不是有效的身份证号：\(problem.zh)"))
      }
    case .enumeration(let e):
      guard e >= 0, e < enums.count else { return .bad(Problem("unknown-enum", "has a type naming an unknown enum", zh: "的类型指向未知的枚举")) }
      if let i = caseIndex(e, bytes) { return .value(.enumCase(i)) }
      let cases = enums[e].cases
      let s = String(decoding: bytes, as: UTF8.self)
      let names = cases.map { String(decoding: $0, as: UTF8.self) }
      return .bad(Problem("unknown-enum-value", "\(quoted(bytes, spec)) is not a value of `\(enums[e].name)`",
                          zh: "\(quoted(bytes, spec)) 不是 `\(enums[e].name)` 的可选值",
                          help: EditDistance.didYouMean(s, among: names) ?? "one of: \(names.joined(separator: ", "))",
                          helpZh: EditDistance.didYouMeanZh(s, among: names) ?? "可选：\(names.map { "`\($0)`" }.joined(separator: "、"))"))
    case .list(let inner):
      var values: [Value] = []
      var problem: Problem?
      Self.forEachPart(of: bytes) { part in
        switch decode(part, inner, spec, asOf) {
        case .value(let v): values.append(v)
        case .empty: break
        case .bad(let why): problem = why
        }
        return problem == nil
      }
      if let problem { return .bad(problem) }
      return .value(.list(values))
    }
  }

  /// The schema's `min` and `max`, inclusive.
  private func bounds(_ v: Value, _ spec: Spec, _ bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
    if let low = spec.minimum, Self.less(v, low) {
      return Problem("value-out-of-range", "must be at least \(Self.text(low)), found \(quoted(bytes, spec))",
                     zh: "不能小于 \(Self.text(low))，实际为 \(quoted(bytes, spec))")
    }
    if let high = spec.maximum, Self.less(high, v) {
      return Problem("value-out-of-range", "must be at most \(Self.text(high)), found \(quoted(bytes, spec))",
                     zh: "不能大于 \(Self.text(high))，实际为 \(quoted(bytes, spec))")
    }
    return nil
  }

  /// Decodes a value of the schema itself (a default, a bound, a parameter), with its problem.
  public func decodeLiteral(_ text: String, _ type: FieldType) -> Result<Value, Problem> {
    switch decode(text, spec(type: type)) {
    case .value(let v): return .success(v)
    case .empty: return .failure(Problem("invalid-value", "is empty", zh: "是空的"))
    case .bad(let problem): return .failure(problem)
    }
  }

  // MARK: comparing values (bounds and record checks)

  /// `a < b` for numbers and dates; false for anything else (the schema allows bounds only there).
  static func less(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): x < y
    case (.date(let x), .date(let y)): x < y
    default: false
    }
  }

  static func text(_ v: Value) -> String {
    switch v {
    case .number(let n): n.description
    case .date(let d): d.description
    case .bool(let b): b ? "true" : "false"
    case .string(let s): s
    case .code(let c): c.description
    default: "\(v)"
    }
  }

  // MARK: bytes

  /// The value as a message quotes it: in backticks, masked when it is personal data.
  private func quoted(_ bytes: UnsafeBufferPointer<UInt8>, _ spec: Spec) -> String {
    let s = String(decoding: bytes, as: UTF8.self)
    return "`\(spec.pii ? PIIMask.masked(s) : PIIMask.mask(s))`"
  }

  static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    guard b.count > 0 else { return b }
    var lo = 0, hi = b.count
    while lo < hi, b[lo] == UInt8(ascii: " ") || b[lo] == UInt8(ascii: "\t") { lo += 1 }
    while hi > lo, b[hi - 1] == UInt8(ascii: " ") || b[hi - 1] == UInt8(ascii: "\t") { hi -= 1 }
    if lo == 0, hi == b.count { return b }
    return UnsafeBufferPointer(rebasing: b[lo..<hi])
  }

  /// The case of enum `e` spelled by `bytes`: compared by length and first 8 bytes as one word,
  /// then the rest in place (a comparison per case, byte by byte through nested buffers, was the
  /// most of decoding an evidence list, the batch's longest cell).
  func caseIndex(_ e: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    caseKeys[e].index(of: bytes)
  }

  /// An enum's cases laid out for lookup: each case's length, its first 8 bytes as a word (zero
  /// past its end), and all its bytes in one list; and a small hash table of (length, word) → case,
  /// so a cell is compared with one case, not every case (an evidence list has up to a dozen parts).
  struct CaseKeys: Sendable {
    let lengths: [Int]
    let prefixes: [UInt64]
    let starts: [Int]
    let bytes: [UInt8]
    /// Open addressing over a power-of-two table: each slot holds a case's index + 1, or 0 (empty).
    let table: [Int32]

    init(_ cases: [[UInt8]]) {
      lengths = cases.map(\.count)
      let prefixes = cases.map { $0.withUnsafeBufferPointer(Self.prefix) }
      self.prefixes = prefixes
      starts = cases.indices.map { i in cases[..<i].reduce(0) { $0 + $1.count } }
      bytes = cases.flatMap { $0 }
      var size = 8
      while size < cases.count * 4 { size <<= 1 }
      var table = [Int32](repeating: 0, count: size)
      for i in cases.indices {
        var slot = Self.slot(cases[i].count, prefixes[i], size)
        while table[slot] != 0 { slot = (slot + 1) & (size - 1) }
        table[slot] = Int32(i + 1)
      }
      self.table = table
    }

    @inline(__always)
    static func slot(_ length: Int, _ word: UInt64, _ size: Int) -> Int {
      let h = (word ^ UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: 0xA076_1D64_78BD_642F)
      return Int(truncatingIfNeeded: h.high ^ h.low) & (size - 1)
    }

    /// The first 8 bytes (fewer when shorter, zero after), little end first.
    @inline(__always)
    static func prefix(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
      guard let base = b.baseAddress else { return 0 }
      if b.count >= 8 { return UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)) }
      var word: UInt64 = 0
      for i in 0..<b.count { word |= UInt64(b[i]) << (8 * UInt64(i)) }
      return word
    }

    @inline(__always)
    func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
      let n = key.count, word = Self.prefix(key)
      var slot = Self.slot(n, word, table.count)
      while table[slot] != 0 {
        let i = Int(table[slot]) - 1
        slot = (slot + 1) & (table.count - 1)
        guard lengths[i] == n, prefixes[i] == word else { continue }
        if n <= 8 { return i }
        let start = starts[i]
        // The rest 8 bytes at a time (evidence names run to 20 and more), then byte by byte.
        let same = bytes.withUnsafeBufferPointer { all in
          let a = UnsafeRawPointer(all.baseAddress! + start), b = UnsafeRawPointer(key.baseAddress!)
          var j = 8
          while j + 8 <= n {
            if a.loadUnaligned(fromByteOffset: j, as: UInt64.self) != b.loadUnaligned(fromByteOffset: j, as: UInt64.self) { return false }
            j += 8
          }
          while j < n {
            if a.load(fromByteOffset: j, as: UInt8.self) != b.load(fromByteOffset: j, as: UInt8.self) { return false }
            j += 1
          }
          return true
        }
        if same { return i }
      }
      return nil
    }
  }

  /// A list of enum `e`'s cases (`a;b;c`, as `decode` reads a list) as one bit per case, the form a
  /// fact column holds it in (`FactColumn.Codec.enumSet`); nil when a part is not a case, or a case
  /// has no bit (past 63), so `decode` says what is wrong.
  func caseBits(_ e: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    var bits: Int64 = 0
    let whole = Self.forEachPart(of: bytes) { part in
      guard let c = caseIndex(e, part), c < 63 else { return false }
      bits |= 1 << Int64(c)
      return true
    }
    return whole ? bits : nil
  }

  /// The parts of a list cell (`a;b;c`), trimmed, empty ones skipped, in order, until `body` says
  /// stop (false); whether every part was taken. The one reading of a list for both decoding paths.
  ///
  /// The separators are found eight bytes at a time (each word read once gives the places of its `;`
  /// as one bit each): an evidence list is the batch's longest cell, and a byte loop over it was a
  /// tenth of decoding a row.
  @discardableResult
  @inline(__always)
  static func forEachPart(of bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let n = bytes.count, raw = UnsafeRawPointer(base)
    var start = 0, w = 0
    @inline(__always) func part(_ end: Int) -> Bool {
      let part = trimmed(UnsafeBufferPointer(start: base + start, count: end - start))
      start = end + 1
      return part.isEmpty || body(part)
    }
    while w + 8 <= n {
      var found = ByteSearch.zeroBytes(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: w, as: UInt64.self)) ^ 0x3B3B_3B3B_3B3B_3B3B)
      while found != 0 {
        if !part(w + found.trailingZeroBitCount >> 3) { return false }
        found &= found &- 1
      }
      w += 8
    }
    while w < n {
      if base[w] == UInt8(ascii: ";"), !part(w) { return false }
      w += 1
    }
    return part(n)
  }

  // MARK: the fixed-width grammar, one function per kind (`decodeFixedWidth` and `decodeColumn` share them)

  @inline(__always)
  static func fixedWidthBool(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    lowercaseBool(bytes) ?? (spells(bytes, "true") ? 1 : spells(bytes, "false") ? 0 : nil)
  }

  @inline(__always)
  static func fixedWidthNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? { Fixed.parse(utf8: bytes)?.raw }

  @inline(__always)
  static func fixedWidthInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    Fixed.parse(utf8: bytes).flatMap { $0.isInteger ? $0.raw : nil }
  }

  @inline(__always)
  static func fixedWidthDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? { CivilDate.parse(utf8: bytes).map { Int64($0.packedValue) } }

  /// A valid ID number (`IDNumber.parsePacked`: length, digits, region, birth date, check character)
  /// whose holder was born by `asOf`, as its packed digits; nil for any other cell, which `decode`
  /// then says what is wrong with.
  @inline(__always)
  static func fixedWidthIDNumber(_ bytes: UnsafeBufferPointer<UInt8>, asOf: CivilDate?) -> Int64? {
    guard let id = IDNumber.parsePacked(bytes) else { return nil }
    if let asOf, id.birthDate > asOf { return nil }
    return id.packed
  }

  @inline(__always)
  static func fixedWidthCode(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? { DivisionCode.parse(utf8: bytes).map { Int64($0.value) } }

  /// `true` as 1 and `false` as 0, compared as words: the spelling nearly every cell has, checked
  /// before `spells` tries the others.
  @inline(__always)
  static func lowercaseBool(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard b.count == 4 || b.count == 5, let base = b.baseAddress else { return nil }
    let word = UInt32(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt32.self))
    if b.count == 4 { return word == 0x6575_7274 ? 1 : nil }  // "true"
    return word == 0x736C_6166 && b[4] == UInt8(ascii: "e") ? 0 : nil  // "fals" "e"
  }

  /// `word` (lowercase), its capitalised form, or all capitals: YAML 1.2's spellings of a boolean.
  static func spells(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
    guard b.count == word.utf8CodeUnitCount, b.count > 0 else { return false }
    let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    let upperFirst = b[0] == w[0] &- 0x20
    guard b[0] == w[0] || upperFirst else { return false }
    if b.count == 1 { return true }
    let allUpper = b[1] == w[1] &- 0x20
    for i in 1..<b.count where b[i] != (allUpper && upperFirst ? w[i] &- 0x20 : w[i]) { return false }
    return true
  }
}
