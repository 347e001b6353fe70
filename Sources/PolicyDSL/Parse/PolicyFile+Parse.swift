import PolicySupport
import PolicyValues

extension PolicyFile {
  /// The keys of a policy file, from the one key table the parser and the editors' schema share.
  static let topLevelKeys = Set(PolicyKeys.policy.names)

  /// Parses a policy file: YAML → syntax, expressions included. Nil when nothing usable was found.
  public static func parse(_ source: SourceFile, into diagnostics: inout DiagnosticBag) -> PolicyFile? {
    guard let root = YAMLLoader.load(source, into: &diagnostics) else { return nil }
    return parse(root: root, path: source.path, into: &diagnostics)
  }

  /// Parses an already loaded (possibly overlay-merged) policy document.
  public static func parse(root: YAMLNode, path: String, into diagnostics: inout DiagnosticBag) -> PolicyFile? {
    // A file with none of a policy's keys is not a policy (a stray file, or worse, /etc/shadow):
    // one error naming the file, not an `unknown-key` error quoting each of its lines.
    if case .mapping(let pairs) = root.kind, !pairs.isEmpty, !pairs.contains(where: { topLevelKeys.contains($0.key.value) }) {
      diagnostics.add(.error("not-a-policy", "`\(path)` is not a policy file: it has none of the keys \(topLevelKeys.sorted().joined(separator: ", "))",
                             zh: "`\(path)` 不是政策文件：以下的键一个也没有：\(topLevelKeys.sorted().map { "`\($0)`" }.joined(separator: "、"))", at: nil,
                             help: "move files that are not policies out of the policy folder", helpZh: "请把不是政策的文件移出政策文件夹"))
      return nil
    }
    guard var top = MappingReader(root, keys: PolicyKeys.policy, into: &diagnostics) else { return nil }
    let extends = ScalarReader.optionalString(top.optional("extends"), "`extends`", into: &diagnostics)
    let id = top.required("id", into: &diagnostics).flatMap { ScalarReader.string($0, "`id`", into: &diagnostics) }
    let title = top.required("title", into: &diagnostics).flatMap { ScalarReader.string($0, "`title`", into: &diagnostics) }
    let document = top.required("document", into: &diagnostics).flatMap { parseDocument($0, into: &diagnostics) }
    let jurisdiction = top.required("jurisdiction", into: &diagnostics).flatMap { parseJurisdiction($0, into: &diagnostics) }
    var from: Located<CivilDate>?, until: Located<CivilDate>?
    if let effective = top.optional("effective"), var m = MappingReader(effective, keys: PolicyKeys.effective, into: &diagnostics) {
      from = m.optional("from").flatMap { ScalarReader.date($0, "`effective.from`", into: &diagnostics) }
      if let u = m.optional("until"), !u.isNull { until = ScalarReader.date(u, "`effective.until`", into: &diagnostics) }
      m.finish(into: &diagnostics)
    }
    var parameters: [Parameter] = []
    var declared: Set<String> = []
    if let node = top.optional("parameters"), !node.isNull, var m = MappingReader(node, context: "`parameters`", into: &diagnostics) {
      m.readAll()
      for (key, value) in m.entries {
        declared.insert(key.value)
        if let parameter = Parameter.parse(name: key, value, into: &diagnostics) { parameters.append(parameter) }
      }
    }
    var rules: [Rule] = []
    if let node = top.required("rules", into: &diagnostics), let items = ScalarReader.list(node, "`rules`", into: &diagnostics) {
      for item in items {
        if let rule = Rule.parse(item, into: &diagnostics) { rules.append(rule) }
      }
    }
    top.finish(into: &diagnostics)
    guard let id, let jurisdiction else { return nil }
    var file = PolicyFile(
      path: path, id: id, title: title?.value ?? "", document: document ?? DocumentInfo(issuer: "", number: nil, date: nil, source: nil),
      jurisdiction: jurisdiction, effectiveFrom: from, effectiveUntil: until, parameters: parameters, rules: rules, span: root.span)
    file.declaredParameters = declared
    file.extends = extends
    return file
  }

  private static func parseDocument(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> DocumentInfo? {
    guard var m = MappingReader(node, keys: PolicyKeys.document, into: &diagnostics) else { return nil }
    let issuer = m.required("issuer", into: &diagnostics).flatMap { ScalarReader.string($0, "`document.issuer`", into: &diagnostics) }
    let number = ScalarReader.optionalString(m.optional("number"), "`document.number`", into: &diagnostics)
    let date = m.optional("date").flatMap { ScalarReader.date($0, "`document.date`", into: &diagnostics) }
    let source = ScalarReader.optionalString(m.optional("source"), "`document.source`", into: &diagnostics)
    m.finish(into: &diagnostics)
    return DocumentInfo(issuer: issuer?.value ?? "", number: number?.value, date: date?.value, source: source?.value)
  }

  /// A division-code prefix: 2, 4 or 6 digits.
  private static func parseJurisdiction(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Located<String>? {
    guard let text = ScalarReader.string(node, "`jurisdiction`", into: &diagnostics) else { return nil }
    let digits = text.value.allSatisfy { $0.isASCII && $0.isNumber }
    guard digits, [2, 4, 6].contains(text.value.count) else {
      diagnostics.add(.error("invalid-jurisdiction", "jurisdiction `\(text.value)` is not a division-code prefix",
                             zh: "管辖范围 `\(text.value)` 不是行政区划代码的前缀", at: node.span,
                             help: "write 2 digits for a province, 4 for a prefecture, 6 for a county, e.g. \"4331\"",
                             helpZh: "省写 2 位，市（州）写 4 位，县（市、区）写 6 位，例如 \"4331\""))
      return nil
    }
    return text
  }
}

extension Parameter {
  static func parse(name: Located<String>, _ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Parameter? {
    guard var m = MappingReader(node, keys: PolicyKeys.parameter, context: "parameter `\(name.value)`", into: &diagnostics) else { return nil }
    var type: Located<ValueType>?
    if let t = m.required("type", into: &diagnostics), let text = ScalarReader.string(t, "`type`", into: &diagnostics) {
      if let valueType = ValueType(rawValue: text.value) {
        type = Located(valueType, at: text.span)
      } else {
        diagnostics.add(.error("unknown-type", "unknown parameter type `\(text.value)`", zh: "未知的参数类型 `\(text.value)`", at: text.span,
                               help: EditDistance.didYouMean(text.value, among: ValueType.allCases.map(\.rawValue))
                                 ?? "one of: \(ValueType.allCases.map(\.rawValue).joined(separator: ", "))",
                               helpZh: EditDistance.didYouMeanZh(text.value, among: ValueType.allCases.map(\.rawValue))
                                 ?? "可选：\(ValueType.allCases.map { "`\($0.rawValue)`" }.joined(separator: "、"))"))
      }
    }
    let by = ScalarReader.optionalString(m.optional("by"), "`by`", into: &diagnostics)
    let unit = ScalarReader.optionalString(m.optional("unit"), "`unit`", into: &diagnostics)
    let clause = ScalarReader.optionalString(m.optional("clause"), "`clause`", into: &diagnostics)
    let note = ScalarReader.optionalString(m.optional("note"), "`note`", into: &diagnostics)
    let noteEn = ScalarReader.optionalString(m.optional("note_en"), "`note_en`", into: &diagnostics)
    var values: [DatedValue] = []
    if let v = m.required("values", into: &diagnostics), var dated = MappingReader(v, context: "`values` of `\(name.value)`", into: &diagnostics) {
      dated.readAll()
      for (key, value) in dated.entries {
        guard let from = CivilDate.parse(key.value) else {
          diagnostics.add(.error("invalid-date", "`\(key.value)` is not a date: each key of `values` is the date the value applies from",
                                 zh: "`\(key.value)` 不是日期：`values` 的每个键是该值开始适用的日期",
                                 at: key.span, help: DateText.explain(key.value), helpZh: DateText.explainZh(key.value)))
          continue
        }
        values.append(DatedValue(from: Located(from, at: key.span), value: parseValue(value, table: by != nil, into: &diagnostics)))
      }
      if values.isEmpty, dated.entries.isEmpty {
        diagnostics.add(.error("missing-value", "parameter `\(name.value)` has no values", zh: "参数 `\(name.value)` 没有取值", at: v.span))
      }
    }
    m.finish(into: &diagnostics)
    guard let type else { return nil }
    return Parameter(name: name, type: type, by: by, unit: unit?.value, clause: clause?.value, note: note?.value, noteEn: noteEn?.value, values: values)
  }

  private static func parseValue(_ node: YAMLNode, table: Bool, into diagnostics: inout DiagnosticBag) -> Value? {
    if node.isNull { return nil }
    if table {
      guard var rows = MappingReader(node, context: "table", into: &diagnostics) else { return nil }
      rows.readAll()
      var out: [(key: Located<String>, value: Located<String>)] = []
      for (key, value) in rows.entries {
        if let text = ScalarReader.string(value, "a table value", into: &diagnostics) { out.append((key, text)) }
      }
      return .table(out)
    }
    return ScalarReader.string(node, "a parameter value", into: &diagnostics).map(Value.scalar)
  }
}
