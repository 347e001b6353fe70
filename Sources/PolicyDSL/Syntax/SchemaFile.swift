import PolicySupport

/// A label in Chinese and English, for reports and diagnostics.
public struct Label: Sendable, Hashable {
  public var zh: String
  public var en: String
  public init(zh: String, en: String) {
    self.zh = zh
    self.en = en
  }
}

/// A fact schema file as written (`facts.schema.yaml` or a region's `*.schema.yaml`).
public struct SchemaFile: Sendable {
  public struct EnumDecl: Sendable {
    public var name: Located<String>
    public var label: Label?
    public var values: [(name: Located<String>, label: Label?)]
  }

  public struct FieldDecl: Sendable {
    public var name: Located<String>
    public var type: Located<String>
    public var required: Bool
    public var defaultValue: YAMLNode?
    public var label: Label?
    /// `pii: true`: personal data, masked in every output.
    public var pii: Bool = false
    /// `fixed: true`: a fact the law takes as it is (户籍, poverty status): never suggested as a change.
    public var fixed: Bool = false
    /// `min:` and `max:` as written; the schema builder decodes them with the field's type.
    public var minimum: YAMLNode? = nil
    public var maximum: YAMLNode? = nil
  }

  /// One entry of an entity's `checks:` (`{rule: "end >= start", message: {zh: …, en: …}}`).
  public struct CheckDecl: Sendable {
    public var rule: Located<String>
    public var message: Label?
  }

  public struct EntityDecl: Sendable {
    public var name: Located<String>
    public var plural: Located<String>?
    public var label: Label?
    public var anchor: Located<String>?
    /// The default event date of rules about this entity (`dispatch.start`), unless a rule says `dated:`.
    public var dated: Expr?
    public var fields: [FieldDecl]
    public var checks: [CheckDecl] = []
  }

  public var path: String
  public var enums: [EnumDecl]
  public var entities: [EntityDecl]
}
