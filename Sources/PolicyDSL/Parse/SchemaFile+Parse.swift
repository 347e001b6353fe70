import PolicySupport

extension SchemaFile {
  /// Parses a fact schema file. Nil when the file is not usable at all.
  public static func parse(_ source: SourceFile, into diagnostics: inout DiagnosticBag) -> SchemaFile? {
    guard let root = YAMLLoader.load(source, into: &diagnostics),
      var top = MappingReader(root, context: "schema file", into: &diagnostics)
    else { return nil }
    if let version = top.optional("schema"), version.scalar != "1" {
      diagnostics.add(.error("schema-version", "unsupported schema version \(version.describe)", zh: "不支持的模式版本 \(version.describeZh)",
                                      at: version.span, help: "write `schema: 1`", helpZh: "请写 `schema: 1`"))
    }
    var enums: [EnumDecl] = []
    if let node = top.optional("enums"), !node.isNull, var m = MappingReader(node, context: "`enums`", into: &diagnostics) {
      m.readAll()
      for (name, value) in m.entries {
        guard var e = MappingReader(value, context: "enum `\(name.value)`", into: &diagnostics) else { continue }
        let label = e.optional("label").flatMap { parseLabel($0, into: &diagnostics) }
        var values: [(name: Located<String>, label: Label?)] = []
        if let v = e.required("values", into: &diagnostics), var vm = MappingReader(v, context: "values of enum `\(name.value)`", into: &diagnostics) {
          vm.readAll()
          for (caseName, caseLabel) in vm.entries {
            values.append((caseName, caseLabel.isNull ? nil : parseLabel(caseLabel, into: &diagnostics)))
          }
        }
        e.finish(into: &diagnostics)
        enums.append(EnumDecl(name: name, label: label, values: values))
      }
    }
    var entities: [EntityDecl] = []
    if let node = top.optional("entities"), !node.isNull, var m = MappingReader(node, context: "`entities`", into: &diagnostics) {
      m.readAll()
      for (name, value) in m.entries {
        guard var e = MappingReader(value, context: "entity `\(name.value)`", into: &diagnostics) else { continue }
        let plural = ScalarReader.optionalString(e.optional("plural"), "`plural`", into: &diagnostics)
        let label = e.optional("label").flatMap { parseLabel($0, into: &diagnostics) }
        let anchor = ScalarReader.optionalString(e.optional("anchor"), "`anchor`", into: &diagnostics)
        let dated = e.optional("dated").flatMap { $0.isNull ? nil : ExprParser.parse($0, into: &diagnostics) }
        var fields: [FieldDecl] = []
        if let f = e.required("fields", into: &diagnostics), var fm = MappingReader(f, context: "fields of `\(name.value)`", into: &diagnostics) {
          fm.readAll()
          for (fieldName, fieldNode) in fm.entries {
            if let field = parseField(fieldName, fieldNode, into: &diagnostics) { fields.append(field) }
          }
        }
        var checks: [CheckDecl] = []
        if let c = e.optional("checks"), !c.isNull, let items = ScalarReader.list(c, "`checks` of `\(name.value)`", into: &diagnostics) {
          for item in items {
            if let check = parseCheck(item, into: &diagnostics) { checks.append(check) }
          }
        }
        e.finish(into: &diagnostics)
        entities.append(EntityDecl(name: name, plural: plural, label: label, anchor: anchor, dated: dated, fields: fields, checks: checks))
      }
    }
    top.finish(into: &diagnostics)
    return SchemaFile(path: source.path, enums: enums, entities: entities)
  }

  private static func parseField(_ name: Located<String>, _ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> FieldDecl? {
    guard var m = MappingReader(node, context: "field `\(name.value)`", into: &diagnostics) else { return nil }
    let type = m.required("type", into: &diagnostics).flatMap { ScalarReader.string($0, "`type`", into: &diagnostics) }
    let required = flag(m.optional("required"), "required", into: &diagnostics)
    let defaultValue = m.optional("default")
    let label = m.optional("label").flatMap { parseLabel($0, into: &diagnostics) }
    let pii = flag(m.optional("pii"), "pii", into: &diagnostics)
    let fixed = flag(m.optional("fixed"), "fixed", into: &diagnostics)
    let minimum = m.optional("min"), maximum = m.optional("max")
    m.finish(into: &diagnostics)
    guard let type else { return nil }
    return FieldDecl(name: name, type: type, required: required, defaultValue: defaultValue, label: label,
                     pii: pii, fixed: fixed, minimum: minimum, maximum: maximum)
  }

  /// A `true`/`false` key of a field (`required`, `pii`); absent is false.
  private static func flag(_ node: YAMLNode?, _ key: String, into diagnostics: inout DiagnosticBag) -> Bool {
    guard let node else { return false }
    switch node.scalar {
    case "true": return true
    case "false": return false
    default:
      diagnostics.add(.error("expected-bool", "`\(key)` must be true or false, found \(node.describe)",
                                    zh: "`\(key)` 须为 `true` 或 `false`，实际为 \(node.describeZh)", at: node.span))
      return false
    }
  }

  private static func parseCheck(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> CheckDecl? {
    guard var m = MappingReader(node, context: "a check", into: &diagnostics) else { return nil }
    let rule = m.required("rule", into: &diagnostics).flatMap { ScalarReader.string($0, "`rule`", into: &diagnostics) }
    let message = m.optional("message").flatMap { parseLabel($0, into: &diagnostics) }
    m.finish(into: &diagnostics)
    guard let rule else { return nil }
    return CheckDecl(rule: rule, message: message)
  }

  private static func parseLabel(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Label? {
    guard var m = MappingReader(node, context: "`label`", into: &diagnostics) else { return nil }
    let zh = m.required("zh", into: &diagnostics).flatMap { ScalarReader.string($0, "`zh`", into: &diagnostics) }
    let en = m.required("en", into: &diagnostics).flatMap { ScalarReader.string($0, "`en`", into: &diagnostics) }
    m.finish(into: &diagnostics)
    return Label(zh: zh?.value ?? "", en: en?.value ?? "")
  }
}
