import PolicyDSL
import PolicySupport

/// The checked fact schema: entity kinds, their fields (each with a slot number) and enums.
///
/// Facts are stored as arrays indexed by slot, so compiled rules read fields without string lookups.
public struct FactSchema: Sendable {
  public struct EnumType: Sendable {
    public var name: String
    public var label: Label?
    public var cases: [String]
    public var labels: [Label?]
    public var span: SourceSpan?
    public func index(of name: String) -> Int? { cases.firstIndex(of: name) }
  }

  public struct Field: Sendable {
    public var name: String
    public var type: FieldType
    public var required: Bool
    /// Raw default text from the schema, converted by the fact loader.
    public var defaultText: String?
    public var label: Label?
    public var slot: Int
    public var span: SourceSpan?
    /// Where the type (`enum(scope)`) is written: errors about the type point there, not at the name.
    public var typeSpan: SourceSpan? = nil
    /// Personal data (`pii: true`, and every `id_number`): masked in every output unless `--show-pii`.
    public var pii: Bool = false
    /// A fact "what would make it payable" never suggests changing (户籍, poverty status).
    public var fixed: Bool = false
    /// The schema's inclusive bounds (`min:`, `max:`), for numbers and dates; every reader enforces them.
    public var minimum: Value? = nil
    public var maximum: Value? = nil
  }

  public struct Entity: Sendable {
    public var name: String
    public var plural: String
    public var label: Label?
    /// The field path that places a subject in a jurisdiction (`person.hukou`), or `members` for households.
    public var anchor: [String]
    /// The default event date of rules about this entity, in a rule's names (`dispatch.start`).
    public var dated: Expr?
    public var fields: [Field]
    public var slots: [String: Int]
    public var index: Int
    public var span: SourceSpan?
    /// Checks across the fields of one record (`end >= start`), from the schema's `checks:`.
    public var checks: [RecordCheck] = []
    public func field(_ name: String) -> Field? { slots[name].map { fields[$0] } }
  }

  public var enums: [String: EnumType] = [:]
  public var entities: [Entity] = []
  public var entityIndex: [String: Int] = [:]

  public func entity(_ name: String) -> Entity? { entityIndex[name].map { entities[$0] } }
  public func entity(plural: String) -> Entity? { entities.first { $0.plural == plural } }
}
