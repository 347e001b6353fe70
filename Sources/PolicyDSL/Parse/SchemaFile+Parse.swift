import PolicySupport

extension SchemaFile {
  /// Parses a fact schema file. Nil when the file is not usable at all.
  public static func parse(_ source: SourceFile, into diagnostics: inout DiagnosticBag) -> SchemaFile? {
    guard let root = YAMLLoader.load(source, into: &diagnostics),
      var top = MappingReader(root, context: "schema file", into: &diagnostics)
    else { return nil }
    if let version = top.optional("schema"), version.scalar != "1" {
      diagnostics.add(.error("schema-version", "unsupported schema version \(version.describe)", at: version.span, help: "write `schema: 1`"))
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
        e.finish(into: &diagnostics)
        entities.append(EntityDecl(name: name, plural: plural, label: label, anchor: anchor, dated: dated, fields: fields))
      }
    }
    top.finish(into: &diagnostics)
    return SchemaFile(path: source.path, enums: enums, entities: entities)
  }

  private static func parseField(_ name: Located<String>, _ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> FieldDecl? {
    guard var m = MappingReader(node, context: "field `\(name.value)`", into: &diagnostics) else { return nil }
    let type = m.required("type", into: &diagnostics).flatMap { ScalarReader.string($0, "`type`", into: &diagnostics) }
    var required = false
    if let r = m.optional("required") {
      switch r.scalar {
      case "true": required = true
      case "false": required = false
      default: diagnostics.add(.error("expected-bool", "`required` must be true or false, found \(r.describe)", at: r.span))
      }
    }
    let defaultValue = m.optional("default")
    let label = m.optional("label").flatMap { parseLabel($0, into: &diagnostics) }
    m.finish(into: &diagnostics)
    guard let type else { return nil }
    return FieldDecl(name: name, type: type, required: required, defaultValue: defaultValue, label: label)
  }

  private static func parseLabel(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Label? {
    guard var m = MappingReader(node, context: "`label`", into: &diagnostics) else { return nil }
    let zh = m.required("zh", into: &diagnostics).flatMap { ScalarReader.string($0, "`zh`", into: &diagnostics) }
    let en = m.required("en", into: &diagnostics).flatMap { ScalarReader.string($0, "`en`", into: &diagnostics) }
    m.finish(into: &diagnostics)
    return Label(zh: zh?.value ?? "", en: en?.value ?? "")
  }
}
