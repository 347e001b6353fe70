import PolicyDSL
import PolicySupport

extension FactSchema {
  /// Builds the schema from the base file and any region files that add fields or enums.
  /// The first file declares entity kinds; later files may only add fields and enum cases.
  public static func build(_ files: [SchemaFile], into diagnostics: inout DiagnosticBag) -> FactSchema {
    var schema = FactSchema()
    var checks: [(entity: Int, decl: SchemaFile.CheckDecl)] = []
    for file in files {
      for decl in file.enums {
        if var existing = schema.enums[decl.name.value] {
          for (name, label) in decl.values where !existing.cases.contains(name.value) {
            existing.cases.append(name.value)
            existing.labels.append(label)
          }
          schema.enums[decl.name.value] = existing
        } else {
          schema.enums[decl.name.value] = EnumType(
            name: decl.name.value, label: decl.label, cases: decl.values.map(\.name.value), labels: decl.values.map(\.label), span: decl.name.span)
        }
      }
      for decl in file.entities {
        let index: Int
        if let existing = schema.entityIndex[decl.name.value] {
          index = existing
          if let dated = decl.dated {
            if let first = schema.entities[index].dated {
              diagnostics.add(.error("duplicate-key", "the default `dated` of `\(decl.name.value)` is declared twice",
                                     zh: "`\(decl.name.value)` 的默认 `dated` 声明了两次", at: dated.span,
                                     notes: [.init("first declared here", zh: "第一次声明在这里", at: first.span)]))
            } else {
              schema.entities[index].dated = dated
            }
          }
        } else {
          index = schema.entities.count
          let anchor = decl.anchor.map { $0.value.split(separator: ".").map(String.init) } ?? ["id"]
          schema.entities.append(Entity(
            name: decl.name.value, plural: decl.plural?.value ?? decl.name.value + "s", label: decl.label, anchor: anchor, dated: decl.dated,
            fields: [], slots: [:], index: index, span: decl.name.span))
          schema.entityIndex[decl.name.value] = index
        }
        for field in decl.fields {
          if let previous = schema.entities[index].field(field.name.value) {
            diagnostics.add(.error("duplicate-field", "field `\(decl.name.value).\(field.name.value)` is declared twice",
                                   zh: "字段 `\(decl.name.value).\(field.name.value)` 声明了两次", at: field.name.span,
                                   notes: [.init("first declared here", zh: "第一次声明在这里", at: previous.span)]))
            continue
          }
          guard let type = FieldType.parse(field.type.value) else {
            diagnostics.add(.error("unknown-type", "unknown field type `\(field.type.value)`", zh: "未知的字段类型 `\(field.type.value)`", at: field.type.span,
                                   help: "use id, string, bool, number, money, integer, date, code, id_number, enum(NAME), ref(ENTITY) or list(NAME)",
                                   helpZh: "可用：`id`、`string`、`bool`、`number`、`money`、`integer`、`date`、`code`、`id_number`、`enum(NAME)`、`ref(ENTITY)` 或 `list(NAME)`"))
            continue
          }
          let slot = schema.entities[index].fields.count
          // An ID number is personal data whether or not the schema says so.
          let pii = field.pii || type == .idNumber || type == .list(.idNumber)
          schema.entities[index].fields.append(Field(
            name: field.name.value, type: type, required: field.required, defaultText: field.defaultValue?.scalar,
            label: field.label, slot: slot, span: field.name.span, typeSpan: field.type.span, pii: pii, fixed: field.fixed,
            minimum: bound(field.minimum, "min", type, field, into: &diagnostics),
            maximum: bound(field.maximum, "max", type, field, into: &diagnostics)))
          schema.entities[index].slots[field.name.value] = slot
        }
        checks += decl.checks.map { (index, $0) }
      }
    }
    schema.validateReferences(into: &diagnostics)
    // Checks last: a region's check may name a field the region adds.
    for (index, decl) in checks {
      if let check = RecordCheck.parse(decl, entity: schema.entities[index], into: &diagnostics) {
        schema.entities[index].checks.append(check)
      }
    }
    return schema
  }

  /// A field's `min:` or `max:`, decoded by the one field decoder with the field's type.
  private static func bound(_ node: YAMLNode?, _ key: String, _ type: FieldType, _ field: SchemaFile.FieldDecl,
                            into diagnostics: inout DiagnosticBag) -> Value? {
    guard let node, !node.isNull else { return nil }
    switch type {
    case .number, .money, .integer, .date: break
    default:
      diagnostics.add(.error("invalid-bound", "`\(key)` is for number and date fields; `\(field.name.value)` is \(type)",
                             zh: "`\(key)` 只用于数和日期字段；`\(field.name.value)` 的类型是 `\(type)`", at: node.span))
      return nil
    }
    guard let text = node.scalar else {
      diagnostics.add(.error("invalid-bound", "`\(key)` must be a single value, found \(node.describe)",
                             zh: "`\(key)` 须为单个值，实际为 \(node.describeZh)", at: node.span))
      return nil
    }
    switch FieldDecoder(schema: FactSchema()).decodeLiteral(text, type) {
    case .success(let value): return value
    case .failure(let problem):
      diagnostics.add(.error("invalid-bound", "`\(key)` of `\(field.name.value)` \(problem.message)",
                             zh: "`\(field.name.value)` 的 `\(key)` \(problem.messageZh)", at: node.span, help: problem.help, helpZh: problem.helpZh))
      return nil
    }
  }

  /// Every `enum(X)`, `ref(X)` and `list(X)` must name something declared.
  private func validateReferences(into diagnostics: inout DiagnosticBag) {
    for entity in entities {
      if entity.field("id") == nil {
        diagnostics.add(.error("missing-id-field", "entity `\(entity.name)` has no `id` field", zh: "实体 `\(entity.name)` 没有 `id` 字段", at: entity.span))
      }
      for field in entity.fields { check(field.type, field, into: &diagnostics) }
    }
  }

  private func check(_ type: FieldType, _ field: Field, into diagnostics: inout DiagnosticBag) {
    switch type {
    case .enumeration(let name) where enums[name] == nil:
      diagnostics.add(.error("unknown-enum", "field `\(field.name)` uses unknown enum `\(name)`", zh: "字段 `\(field.name)` 用了未知的枚举 `\(name)`",
                             at: field.typeSpan ?? field.span,
                             help: EditDistance.didYouMean(name, among: enums.keys), helpZh: EditDistance.didYouMeanZh(name, among: enums.keys)))
    case .reference(let name) where entityIndex[name] == nil:
      diagnostics.add(.error("unknown-entity", "field `\(field.name)` refers to unknown entity `\(name)`", zh: "字段 `\(field.name)` 引用了未知的实体 `\(name)`",
                             at: field.typeSpan ?? field.span,
                             help: EditDistance.didYouMean(name, among: entityIndex.keys), helpZh: EditDistance.didYouMeanZh(name, among: entityIndex.keys)))
    case .list(let inner):
      check(inner, field, into: &diagnostics)
    default:
      break
    }
  }
}
