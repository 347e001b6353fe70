import PolicyCheck
import PolicyValues

/// One field of one entity kind, for every record of a `Facts.Table`: the storage the decoders write
/// into and both evaluators read.
///
/// A field whose type has a fixed-width form (a bool, a number or amount, a date, a division code, an
/// enum case, a reference, a list of cases of an enum of at most 63 cases) is held *encoded*: one
/// `Int64` and one state byte per record, in the form the column programs (`FactBatch`, `RuleProgram`)
/// compute on, so they read the table's own arrays with no conversion, and a record costs no
/// reference counting and no allocation. An ID number is held as its digits (`Codec.idNumber`). Text
/// (ids, names) and other lists are held as `Value`s.
///
/// A value that does not fit the column's form (the engine never stores one, but `ToPay` and tests may
/// write any value) turns the column into `Value`s for good, so nothing written is ever lost.
public struct FactColumn: Sendable {
  /// How the `Int64` of an encoded column reads back as a `Value`.
  public enum Codec: Sendable, Equatable {
    case bool, number, date, code, enumCase
    /// A reference to a record of the entity kind at this index.
    case entity(kind: Int)
    /// A list of cases of one enum (the evidence a record has), as one bit per case. The list reads
    /// back in the enum's order, each case once: lists of evidence are sets (what is missing is what
    /// is not in them), and that is the order a person reads a checklist in.
    case enumSet
    /// A resident ID number, as its first 17 digits (`IDNumber.packed`): the check character follows
    /// from them. Held as text, every person of a batch cost a heap string (18 bytes do not fit in a
    /// `String`'s inline form), its reference counting, and copying it again into the identity claims.
    /// Column programs do not read it (`FactBatch.column`): to a rule it is text, as before.
    case idNumber
    /// Not encoded: the column holds `Value`s.
    case boxed

    /// The most cases an enum may have for a list of it to be held as bits.
    public static let enumSetCases = 63

    /// The form a field of `type` is held in.
    public init(_ type: FieldType, schema: FactSchema) {
      switch type {
      case .bool: self = .bool
      case .number, .money, .integer: self = .number
      case .date: self = .date
      case .code: self = .code
      case .enumeration: self = .enumCase
      case .reference(let target): self = schema.entityIndex[target].map { .entity(kind: $0) } ?? .boxed
      case .list(.enumeration(let name)) where (schema.enums[name]?.cases.count ?? 64) <= Self.enumSetCases: self = .enumSet
      case .idNumber: self = .idNumber
      case .id, .string, .list: self = .boxed
      }
    }
  }

  public static let known: UInt8 = 0
  public static let null: UInt8 = 1

  public private(set) var codec: Codec
  /// Encoded columns: the value of each record (0 where null) and its state (`known` or `null`).
  public private(set) var values: [Int64] = []
  public private(set) var states: [UInt8] = []
  /// Boxed columns: the value of each record.
  public private(set) var boxed: [Value] = []

  public init(_ codec: Codec) { self.codec = codec }

  /// An encoded column holding these records (a batch chunk's `Facts.Draft`, finished).
  init(_ codec: Codec, values: [Int64], states: [UInt8]) {
    precondition(codec != .boxed && values.count == states.count)
    self.codec = codec
    self.values = values
    self.states = states
  }

  /// A column of `Value`s holding these records.
  init(boxed: [Value]) {
    codec = .boxed
    self.boxed = boxed
  }

  public var count: Int { codec == .boxed ? boxed.count : values.count }
  public var isEncoded: Bool { codec != .boxed }

  /// The value of one record.
  @inline(__always)
  public subscript(record: Int) -> Value {
    get {
      if codec == .boxed { return boxed[record] }
      guard states[record] == Self.known else { return .null }
      return Self.decode(values[record], codec)
    }
    set {
      if codec != .boxed, let v = Self.encode(newValue, codec) {
        values[record] = v
        states[record] = newValue.isNull ? Self.null : Self.known
        return
      }
      box()
      boxed[record] = newValue
    }
  }

  /// Adds a record holding `value`.
  @inline(__always)
  public mutating func append(_ value: Value) {
    if codec != .boxed, let v = Self.encode(value, codec) {
      values.append(v)
      states.append(value.isNull ? Self.null : Self.known)
      return
    }
    box()
    boxed.append(value)
  }

  public mutating func removeLast() {
    if codec == .boxed {
      boxed.removeLast()
    } else {
      values.removeLast()
      states.removeLast()
    }
  }

  public mutating func reserveCapacity(_ n: Int) {
    if codec == .boxed { boxed.reserveCapacity(n) } else {
      values.reserveCapacity(n)
      states.reserveCapacity(n)
    }
  }

  /// Turns an encoded column into `Value`s (a value that has no encoded form was written).
  private mutating func box() {
    guard codec != .boxed else { return }
    boxed = values.indices.map { states[$0] == Self.known ? Self.decode(values[$0], codec) : .null }
    values = []
    states = []
    codec = .boxed
  }

  /// The encoded form of `value` in a column of `codec`, or nil when it has none there. Null is 0
  /// (its state says null). The forms compare as the values do: a number is `Fixed.raw`, a date its
  /// packed year-month-day, a division code its number, an enum case or a reference its index.
  @inline(__always)
  public static func encode(_ value: Value, _ codec: Codec) -> Int64? {
    switch (value, codec) {
    case (.null, _): return 0
    case (.bool(let b), .bool): return b ? 1 : 0
    case (.number(let n), .number): return n.raw
    case (.date(let d), .date): return Int64(d.packedValue)
    case (.code(let c), .code): return Int64(c.value)
    case (.enumCase(let i), .enumCase): return Int64(i)
    case (.string(let s), .idNumber): return IDNumber.packed(s)
    case (.entity(let k, let i), .entity(let kind)) where k == kind: return Int64(i)
    case (.list(let items), .enumSet):
      var bits: Int64 = 0
      for item in items {
        guard case .enumCase(let i) = item, i >= 0, i < Codec.enumSetCases else { return nil }
        bits |= 1 << Int64(i)
      }
      return bits
    default: return nil
    }
  }

  @inline(__always)
  @usableFromInline static func decode(_ v: Int64, _ codec: Codec) -> Value {
    switch codec {
    case .bool: return .bool(v != 0)
    case .number: return .number(Fixed(raw: v))
    case .date: return .date(CivilDate(packed: UInt32(truncatingIfNeeded: v)))
    case .code: return .code(DivisionCode(stored: Int32(truncatingIfNeeded: v)))
    case .enumCase: return .enumCase(Int(v))
    case .entity(let kind): return .entity(kind: kind, index: Int(v))
    case .enumSet:
      var items: [Value] = []
      var rest = UInt64(bitPattern: v)
      while rest != 0 {
        items.append(.enumCase(rest.trailingZeroBitCount))
        rest &= rest - 1
      }
      return .list(items)
    case .idNumber: return .string(IDNumber.text(packed: v))
    case .boxed: return .null
    }
  }
}
