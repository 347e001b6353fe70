import PolicyCheck
import PolicyValues

/// What the facts loader needs to read a record of one entity kind, worked out once per loader from the
/// schema (a server keeps one loader per policy set, so a request works out none of it).
///
/// A record used to be read field by field, each field's name looked up among the record's keys by
/// comparing text (a schema's twenty fields against a record's ten keys), with the names asked for
/// collected again for every record, the schema defaults decoded again and the reference targets found
/// by name: most of the time spent loading a served case. Now each key of a record is looked up once,
/// by its bytes, in `names`.
///
/// A class: the name lookup runs in a closure over the key's bytes, and a struct there was copied (its
/// index's arrays retained and released) for every key of every record.
final class RecordLayout: Sendable {
  /// Each field's name → its index in `entity.fields`.
  private let names: IDIndex
  /// The fields' names in schema order: the keys a record may have, for `did you mean`.
  let fieldNames: [String]
  /// Per field: the schema default (`default: none`) decoded by the one decoder (a bad one is null, as
  /// it was when decoded per record), or nil for a field without one.
  let defaults: [Value?]
  /// Per field: the entity index a reference field names, or -1.
  let targets: [Int]
  /// The slot of the `id` field.
  let idSlot: Int
  /// The slots of ID-number fields (`IdentityIndex`).
  let numberSlots: [Int]
  /// What a record is, for messages: "a person".
  let context: String
  /// Per field: its decoding spec, and a list field's item spec (`FieldSpecs`, by field rather than slot).
  let specs: [FieldDecoder.Spec]
  let itemSpecs: [FieldDecoder.Spec?]
  /// Per field: whether it is a list, and whether a boolean (a quoted `"true"` is refused).
  let isList: [Bool]
  let isBool: [Bool]

  init(_ entity: FactSchema.Entity, schema: FactSchema, specs fieldSpecs: FieldSpecs) {
    let decoder = fieldSpecs.decoder
    var names = IDIndex()
    for (i, field) in entity.fields.enumerated() where names[field.name] == nil { names[field.name] = i }
    self.names = names
    fieldNames = entity.fields.map(\.name)
    defaults = entity.fields.map { field in
      field.defaultText.map { (try? decoder.decodeLiteral($0, field.type).get()) ?? .null }
    }
    targets = entity.fields.map { field in
      if case .reference(let target) = field.type { schema.entityIndex[target] ?? -1 } else { -1 }
    }
    idSlot = entity.slots["id"] ?? 0
    numberSlots = entity.fields.filter { $0.type == .idNumber }.map(\.slot)
    context = "a \(entity.name)"
    specs = entity.fields.map { fieldSpecs.spec(entity: entity.index, slot: $0.slot) }
    itemSpecs = entity.fields.map { fieldSpecs.itemSpec(entity: entity.index, slot: $0.slot) }
    isList = entity.fields.map { if case .list = $0.type { true } else { false } }
    isBool = entity.fields.map { $0.type == .bool }
  }

  /// The index of the field named `key`, or nil when the entity has no such field.
  @inline(__always)
  func field(named key: String) -> Int? {
    var key = key
    return key.withUTF8 { names.find($0) }
  }
}
