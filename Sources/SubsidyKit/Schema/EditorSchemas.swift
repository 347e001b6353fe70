import PolicyCheck
import PolicyDSL
import PolicyEval

/// JSON Schemas (draft-07) for the files officers edit: policy files, test files and facts files.
///
/// An editor with yaml-language-server (VS Code's YAML extension) reads them through the
/// `# yaml-language-server: $schema=…` line at the top of a file and completes keys and enum values,
/// showing their Chinese labels, and marks errors as one types. The policy and test schemas come from
/// the tables the parsers read through (`PolicyKeys`, `TestFile.fileKeys`…), the facts schema from the
/// fact schema files: nothing here lists a key by hand.
public enum EditorSchemas {
  /// File name → schema, as committed under `docs/schema/`.
  public static func all(_ schema: FactSchema) -> [(name: String, json: JSON)] {
    [("policy.schema.json", policy(schema)), ("tests.schema.json", tests(schema)), ("facts.schema.json", facts(schema))]
  }

  // MARK: - Policy files

  /// The keys the parsers read, by key set: what the schemas allow even where the tables are behind.
  static let probed: [String: [String]] = KeyProbe.policyKeys.merging(TestFile.parserKeys) { first, _ in first }

  /// The key sets an overlay (`extends:`) merges key by key, so it may leave their required keys out
  /// (OverlayMerger: top-level keys, `document`, `effective`, a parameter's keys, a rule's keys by id).
  static let mergedByOverlay: Set<String> = [PolicyKeys.policy.name, PolicyKeys.document.name, PolicyKeys.effective.name,
                                             PolicyKeys.parameter.name, PolicyKeys.rule.name]

  public static func policy(_ schema: FactSchema) -> JSON {
    var definitions: [(String, JSON)] = []
    for set in PolicyKeys.all where set.name != PolicyKeys.policy.name {
      definitions.append((set.name, object(set, overlay: false, schema)))
      if mergedByOverlay.contains(set.name) { definitions.append((set.name + "-override", object(set, overlay: true, schema))) }
    }
    let base = object(PolicyKeys.policy, overlay: false, schema)
    let overlay = object(PolicyKeys.policy, overlay: true, schema)
    return .object([
      ("$schema", .string("http://json-schema.org/draft-07/schema#")),
      ("title", .string("subsidy 政策文件（policy file）")),
      ("description", .string("政策规则文件；带 `extends:` 的为修订稿或实施细则，只写与基础政策不同之处。见 docs/language.md。")),
      ("type", .string("object")),
      ("if", .object([("required", .array([.string("extends")]))])),
      ("then", overlay),
      ("else", base),
      ("definitions", .object(definitions)),
    ])
  }

  /// One key set as a JSON Schema object. In an overlay its required keys are relaxed (only a rule's
  /// `id` stays, to say which rule is overridden) and its overlay-only keys (`remove`) are allowed.
  static func object(_ set: KeySet, overlay: Bool, _ schema: FactSchema) -> JSON {
    var properties: [(String, JSON)] = []
    var required: [JSON] = []
    for key in set.keys where overlay || !key.overlayOnly {
      properties.append((key.name, described(shape(key.shape, overlay: overlay, schema), key.label)))
      if key.required, !overlay || key.name == "id" && set.name == PolicyKeys.rule.name { required.append(.string(key.name)) }
    }
    // Keys the parser reads that the table does not describe yet: allowed, with any value.
    for name in probed[set.name] ?? [] where !set.contains(name) {
      properties.append((name, described(.object([]), Label(zh: "\(name)（尚未描述）", en: "read by the parser, not yet described in PolicyKeys"))))
    }
    if overlay, set.name == PolicyKeys.policy.name { required = [.string("id"), .string("extends")] }
    var pairs: [(String, JSON)] = [("type", .string("object"))]
    pairs.append(("description", .string("\(set.label.zh)（\(set.label.en)）")))
    pairs.append(("properties", .object(properties)))
    if !required.isEmpty { pairs.append(("required", .array(required))) }
    pairs.append(("additionalProperties", .bool(false)))
    return .object(pairs)
  }

  static func shape(_ shape: KeyShape, overlay: Bool, _ schema: FactSchema) -> JSON {
    switch shape {
    case .text, .expression: return scalar
    case .date: return date
    case .choice(let words): return .object([("enum", .array(words.map(JSON.string)))])
    case .vocabulary(let name): return enumeration(name, schema)
    case .oneOrMany(let inner):
      let item = self.shape(inner, overlay: overlay, schema)
      return .object([("anyOf", .array([item, .object([("type", .string("array")), ("items", item)])]))])
    case .list(let inner): return .object([("type", .string("array")), ("items", self.shape(inner, overlay: overlay, schema))])
    case .bool: return .object([("type", .string("boolean"))])
    case .dayOfMonth: return .object([("type", .string("integer")), ("minimum", .number("1")), ("maximum", .number("31"))])
    case .mapping(let set):
      return .object([("$ref", .string("#/definitions/\(set.name)\(overlay && mergedByOverlay.contains(set.name) ? "-override" : "")"))])
    case .names(let inner): return .object([("type", .string("object")), ("additionalProperties", self.shape(inner, overlay: overlay, schema))])
    case .datedValues:
      let value = JSON.object([("type", .array(["string", "number", "boolean", "null", "object"].map(JSON.string))),
                               ("additionalProperties", .object([("type", .array(["string", "number", "boolean", "null"].map(JSON.string)))]))])
      return .object([("type", .string("object")), ("propertyNames", .object([("pattern", .string(datePattern))])), ("additionalProperties", value)])
    case .anyOf(let shapes): return .object([("anyOf", .array(shapes.map { self.shape($0, overlay: overlay, schema) }))])
    case .nullable(let inner): return .object([("anyOf", .array([self.shape(inner, overlay: overlay, schema), .object([("type", .string("null"))])]))])
    case .facts: return .object([("$ref", .string("#/definitions/facts"))])
    }
  }

  // MARK: - Test files

  public static func tests(_ schema: FactSchema) -> JSON {
    var definitions: [(String, JSON)] = []
    for set in [TestFile.caseKeys, TestFile.expectationKeys] { definitions.append((set.name, object(set, overlay: false, schema))) }
    definitions.append(("facts", factsObject(schema)))
    definitions += entityDefinitions(schema)
    guard case .object(let top) = object(TestFile.fileKeys, overlay: false, schema) else { return .null }
    return .object([("$schema", .string("http://json-schema.org/draft-07/schema#")),
                    ("title", .string("subsidy 政策测试用例（policy test file）"))] + top + [("definitions", .object(definitions))])
  }

  // MARK: - Facts files

  public static func facts(_ schema: FactSchema) -> JSON {
    guard case .object(let top) = factsObject(schema) else { return .null }
    return .object([("$schema", .string("http://json-schema.org/draft-07/schema#")),
                    ("title", .string("subsidy 事实文件（facts file）"))] + top + [("definitions", .object(entityDefinitions(schema)))])
  }

  static func factsObject(_ schema: FactSchema) -> JSON {
    let asOf = JSON.object(nullable([("type", .string("string")), ("pattern", .string(datePattern))]))
    var properties: [(String, JSON)] = [("as_of", described(asOf, Label(zh: "判断日期（命令行 --as-of 优先）", en: "the date the case is judged on (--as-of overrides)")))]
    for entity in schema.entities {
      let list = JSON.object([("type", .array([.string("array"), .string("null")])), ("items", .object([("$ref", .string("#/definitions/\(entity.name)"))]))])
      properties.append((entity.plural, described(list, entity.label ?? Label(zh: entity.name, en: entity.name))))
    }
    return .object([("type", .string("object")), ("description", .string("事实文件：见 docs/facts.md")),
                    ("properties", .object(properties)), ("additionalProperties", .bool(false))])
  }

  static func entityDefinitions(_ schema: FactSchema) -> [(String, JSON)] {
    schema.entities.map { entity in
      let properties = entity.fields.map { field in (field.name, fieldSchema(field, schema)) }
      var pairs: [(String, JSON)] = [("type", .string("object")), ("description", .string(FieldTypeText.label(entity.label))),
                                     ("properties", .object(properties))]
      let required = entity.fields.filter(\.required).map { JSON.string($0.name) }
      if !required.isEmpty { pairs.append(("required", .array(required))) }
      pairs.append(("additionalProperties", .bool(false)))
      return (entity.name, .object(pairs))
    }
  }

  static func fieldSchema(_ field: FactSchema.Field, _ schema: FactSchema) -> JSON {
    var value = fieldType(field.type, schema)
    let text = FieldTypeText.describe(field.type, schema: schema)
    var notes = "`\(FieldTypeText.name(field.type))` \(text.zh)：\(text.rule)"
    if field.required { notes += "；必填" }
    if let origin = FieldTypeText.origin(field.span?.file) { notes += "；\(origin) 地区字段" }
    if case .object(var pairs) = value {
      if !field.required { pairs = nullable(pairs) }
      if let d = field.defaultText { pairs.append(("default", defaultValue(d, field.type))) }
      value = .object(pairs)
    }
    return described(value, field.label ?? Label(zh: field.name, en: field.name), notes: notes)
  }

  static func fieldType(_ type: FieldType, _ schema: FactSchema) -> JSON {
    switch type {
    case .id, .string, .reference: return scalar
    case .bool: return .object([("type", .string("boolean"))])
    case .number, .money:
      return .object([("type", .array([.string("number"), .string("string")])), ("pattern", .string("^-?[0-9]+(\\.[0-9]{1,4})?$"))])
    case .integer: return .object([("type", .array([.string("integer"), .string("string")])), ("pattern", .string("^-?[0-9]+$"))])
    case .date: return date
    case .code:
      return .object([("type", .array([.string("string"), .string("integer")])), ("pattern", .string("^[1-9][0-9]{5}$")),
                      ("minimum", .number("110000")), ("maximum", .number("999999"))])
    case .idNumber: return .object([("type", .string("string")), ("pattern", .string("^[0-9]{17}[0-9Xx]$"))])
    case .enumeration(let name): return enumeration(name, schema)
    case .list(let inner):
      // A list, or the batch form `a;b;c` in one string.
      return .object([("type", .array([.string("array"), .string("string")])), ("items", fieldType(inner, schema))])
    }
  }

  // MARK: - Pieces

  static let datePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
  /// A YAML scalar the parser reads as text: `100`, `true` and `"100"` are all text to it.
  static let scalar = JSON.object([("type", .array([.string("string"), .string("number"), .string("boolean")]))])
  static let date = JSON.object([("type", .string("string")), ("pattern", .string(datePattern))])

  /// An enum of the fact schema, each value with its Chinese and English label for completion and hover.
  static func enumeration(_ name: String, _ schema: FactSchema) -> JSON {
    guard let e = schema.enums[name] else { return scalar }
    let labels = zip(e.cases, e.labels).map { value, label in "`\(value)` \(FieldTypeText.label(label))" }
    return .object([
      ("type", .string("string")),
      ("enum", .array(e.cases.map(JSON.string))),
      ("enumDescriptions", .array(e.labels.map { .string(FieldTypeText.label($0)) })),
      ("markdownEnumDescriptions", .array(e.labels.map { .string(FieldTypeText.label($0)) })),
      ("description", .string("\(e.label?.zh ?? name)：" + labels.joined(separator: "；"))),
    ])
  }

  /// Adds `description` and `markdownDescription` (Chinese label, English, then any notes).
  static func described(_ value: JSON, _ label: Label, notes: String? = nil) -> JSON {
    guard case .object(var pairs) = value else { return value }
    pairs.removeAll { $0.0 == "description" || $0.0 == "markdownDescription" }
    let plain = FieldTypeText.label(label)
    pairs.insert(("description", .string(plain)), at: 0)
    pairs.insert(("markdownDescription", .string("**\(label.zh)** \(label.en)" + (notes.map { "\n\n\($0)" } ?? ""))), at: 1)
    return .object(pairs)
  }

  /// Allows `null` beside the value's own type (an empty field is null).
  static func nullable(_ pairs: [(String, JSON)]) -> [(String, JSON)] {
    var pairs = pairs
    if let i = pairs.firstIndex(where: { $0.0 == "type" }) {
      switch pairs[i].1 {
      case .string(let t): pairs[i].1 = .array([.string(t), .string("null")])
      case .array(let ts): pairs[i].1 = .array(ts + [.string("null")])
      default: break
      }
    }
    if let i = pairs.firstIndex(where: { $0.0 == "enum" }), case .array(let values) = pairs[i].1 { pairs[i].1 = .array(values + [.null]) }
    return pairs
  }

  static func defaultValue(_ text: String, _ type: FieldType) -> JSON {
    switch type {
    case .bool: .bool(text == "true")
    default: .string(text)
    }
  }
}
