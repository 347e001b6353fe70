import PolicySupport
import PolicyValues

extension Rule {
  static func parse(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Rule? {
    guard var m = MappingReader(node, keys: PolicyKeys.rule, into: &diagnostics) else { return nil }
    let id = m.required("id", into: &diagnostics).flatMap { ScalarReader.string($0, "rule `id`", into: &diagnostics) }
    if let id, !isKebabCase(id.value) {
      diagnostics.add(.error("invalid-rule-id", "rule id `\(id.value)` must be kebab-case (lowercase letters, digits and `-`)",
                             zh: "规则编号 `\(id.value)` 须为小写短横线格式（小写字母、数字和 `-`）", at: id.span))
    }
    let clause = m.required("clause", into: &diagnostics).flatMap { ScalarReader.string($0, "`clause`", into: &diagnostics) }
    let text = m.required("text", into: &diagnostics).flatMap { ScalarReader.string($0, "`text`", into: &diagnostics) }
    var kind = Located(Kind.payment, at: node.span)
    if let k = m.optional("kind"), let word = ScalarReader.string(k, "`kind`", into: &diagnostics) {
      if let parsed = Kind(rawValue: word.value) {
        kind = Located(parsed, at: word.span)
      } else {
        diagnostics.add(.error("unknown-rule-kind", "unknown rule kind `\(word.value)`", zh: "未知的规则类型 `\(word.value)`", at: word.span,
                               help: EditDistance.didYouMean(word.value, among: Kind.allCases.map(\.rawValue))
                                 ?? "one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))",
                               helpZh: EditDistance.didYouMeanZh(word.value, among: Kind.allCases.map(\.rawValue))
                                 ?? "可选：\(Kind.allCases.map { "`\($0.rawValue)`" }.joined(separator: "、"))"))
      }
    }
    let about = m.required("about", into: &diagnostics).flatMap { ScalarReader.string($0, "`about`", into: &diagnostics) }
    if let about, !subjectKinds.contains(about.value) {
      diagnostics.add(.error("unknown-subject", "a rule cannot be about `\(about.value)`", zh: "规则的对象不能是 `\(about.value)`", at: about.span,
                             help: EditDistance.didYouMean(about.value, among: subjectKinds) ?? "one of: \(subjectKinds.joined(separator: ", "))",
                             helpZh: EditDistance.didYouMeanZh(about.value, among: subjectKinds) ?? "可选：\(subjectKinds.map { "`\($0)`" }.joined(separator: "、"))"))
    }
    let group = m.optional("group").flatMap { GroupSpec.parse($0, into: &diagnostics) }
    if about?.value == "group", group == nil, m.keySpan("group") == nil {
      diagnostics.add(.error("missing-key", "a rule about `group` needs a `group` with `of` and `by`",
                             zh: "对象为 `group` 的规则需要写 `group`（含 `of` 和 `by`）", at: about?.span ?? node.span))
    }
    let payee = m.optional("payee").flatMap { ExprParser.parse($0, into: &diagnostics) }
    let beneficiary = m.optional("beneficiary").flatMap { ExprParser.parse($0, into: &diagnostics) }
    var conditions: [Expr] = []
    if let when = m.optional("when"), !when.isNull {
      let items: [YAMLNode] = if case .sequence(let list) = when.kind { list } else { [when] }
      for item in items {
        if let expr = ExprParser.parse(item, into: &diagnostics) { conditions.append(expr) }
      }
    }
    let vesting = m.optional("vesting").flatMap { Vesting.parse($0, into: &diagnostics) }
    let dated = m.optional("dated").flatMap { ExprParser.parse($0, into: &diagnostics) }
    let amount = m.optional("amount").flatMap { Amount.parse($0, into: &diagnostics) }
    let limit = m.optional("limit").map { parseWords($0, "`limit`", into: &diagnostics) } ?? []
    for key in limit where !limitKeys.contains(key.value) {
      diagnostics.add(.error("unknown-limit-key", "unknown limit key `\(key.value)`", zh: "未知的限额键 `\(key.value)`", at: key.span,
                             help: EditDistance.didYouMean(key.value, among: limitKeys) ?? "use \(limitKeys.map { "`\($0)`" }.joined(separator: ", "))",
                             helpZh: EditDistance.didYouMeanZh(key.value, among: limitKeys) ?? "可用：\(limitKeys.map { "`\($0)`" }.joined(separator: "、"))"))
    }
    let evidence = m.optional("evidence").map { parseWords($0, "`evidence`", into: &diagnostics) } ?? []
    let funding = ScalarReader.optionalString(m.optional("funding"), "`funding`", into: &diagnostics)
    let due = m.optional("due").flatMap { Due.parse($0, into: &diagnostics) }
    let obligor = ScalarReader.optionalString(m.optional("obligor"), "`obligor`", into: &diagnostics)
    let note = ScalarReader.optionalString(m.optional("note"), "`note`", into: &diagnostics)
    let noteEn = ScalarReader.optionalString(m.optional("note_en"), "`note_en`", into: &diagnostics)
    let mayBeNull = m.optional("may_be_null").map { parseWords($0, "`may_be_null`", into: &diagnostics) } ?? []
    m.finish(into: &diagnostics)
    guard let id, let clause, let about else { return nil }
    return Rule(
      id: id, clause: clause, text: text?.value ?? "", kind: kind, about: about, group: group, payee: payee, beneficiary: beneficiary,
      conditions: conditions, vesting: vesting, dated: dated, amount: amount, limit: limit, evidence: evidence, funding: funding?.value, due: due,
      obligor: obligor?.value, note: note?.value, noteEn: noteEn?.value, mayBeNull: mayBeNull, span: id.span,
      keySpans: Dictionary(m.entries.map { ($0.key.value, $0.key.span) }, uniquingKeysWith: { first, _ in first }))
  }

  static func isKebabCase(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
    return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
  }

  /// A list of bare words (`[beneficiary, year]`), or one word.
  static func parseWords(_ node: YAMLNode, _ what: String, into diagnostics: inout DiagnosticBag) -> [Located<String>] {
    if node.isNull { return [] }
    let items: [YAMLNode] = if case .sequence(let list) = node.kind { list } else { [node] }
    return items.compactMap { ScalarReader.string($0, what, into: &diagnostics) }
  }
}

extension GroupSpec {
  static func parse(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> GroupSpec? {
    guard var m = MappingReader(node, keys: PolicyKeys.group, into: &diagnostics) else { return nil }
    let of = m.required("of", into: &diagnostics).flatMap { ScalarReader.string($0, "`group.of`", into: &diagnostics) }
    let filter = m.optional("where").flatMap { ExprParser.parse($0, into: &diagnostics) }
    var by: [Expr] = []
    if let node = m.required("by", into: &diagnostics) {
      let items: [YAMLNode] = if case .sequence(let list) = node.kind { list } else { [node] }
      by = items.compactMap { ExprParser.parse($0, into: &diagnostics) }
    }
    m.finish(into: &diagnostics)
    guard let of else { return nil }
    return GroupSpec(of: of, filter: filter, by: by)
  }
}

extension Vesting {
  static func parse(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Vesting? {
    guard var m = MappingReader(node, keys: PolicyKeys.vesting, into: &diagnostics) else { return nil }
    let stable = m.optional("stable_employment").flatMap { ExprParser.parse($0, into: &diagnostics) }
    let on = m.optional("on").flatMap { ExprParser.parse($0, into: &diagnostics) }
    let until = m.optional("until").flatMap { $0.isNull ? nil : ExprParser.parse($0, into: &diagnostics) }
    m.finish(into: &diagnostics)
    if stable == nil, on == nil {
      diagnostics.add(.error("missing-key", "`vesting` needs `stable_employment` or `on`", zh: "`vesting` 需要 `stable_employment` 或 `on`", at: node.span))
    }
    if stable != nil, on != nil {
      diagnostics.add(.error("conflicting-keys", "`vesting` takes `stable_employment` or `on`, not both",
                             zh: "`vesting` 只能写 `stable_employment` 或 `on` 之一，不能两个都写", at: node.span))
    }
    return Vesting(stableEmployment: stable, on: on, until: until, span: node.span)
  }
}

extension Amount {
  static func parse(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Amount? {
    if case .mapping = node.kind {
      guard var m = MappingReader(node, keys: PolicyKeys.undeterminedAmount, into: &diagnostics) else { return nil }
      let silent = m.required("undetermined", into: &diagnostics).flatMap { ScalarReader.string($0, "`undetermined`", into: &diagnostics) }
      m.finish(into: &diagnostics)
      return silent.map(Amount.undetermined)
    }
    return ExprParser.parse(node, into: &diagnostics).map(Amount.expression)
  }
}

extension Due {
  static func parse(_ node: YAMLNode, into diagnostics: inout DiagnosticBag) -> Due? {
    if case .mapping = node.kind {
      guard var m = MappingReader(node, keys: PolicyKeys.monthlyDue, into: &diagnostics) else { return nil }
      var days: [Located<Int>] = []
      if let list = m.required("monthly", into: &diagnostics), let items = ScalarReader.list(list, "`monthly`", into: &diagnostics) {
        for item in items {
          guard let text = item.scalar, let day = Int(text), (1...31).contains(day) else {
            diagnostics.add(.error("invalid-day", "a day of the month must be a whole number from 1 to 31, found \(item.describe)",
                                          zh: "每月的日期须为 1 到 31 的整数，实际为 \(item.describeZh)", at: item.span))
            continue
          }
          days.append(Located(day, at: item.span))
        }
      }
      m.finish(into: &diagnostics)
      return .monthly(days)
    }
    return ExprParser.parse(node, into: &diagnostics).map(Due.date)
  }
}
