import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues

/// Finds the cells of one YAML or JSON value (a scalar, or a list's items) and has the one
/// `FieldDecoder` decode them; a problem becomes a diagnostic at the cell's line and column.
///
/// What is particular to YAML stays here: a quoted `"true"` is text, not a boolean, and a list may
/// be a sequence or the batch's `a;b;c`.
struct FieldConverter {
  let schema: FactSchema
  let decoder: FieldDecoder
  let asOf: CivilDate?
  /// Each field's spec, made the first time a record of the load has the field, not once per record.
  private let specs = SpecCache()

  init(schema: FactSchema, asOf: CivilDate?) {
    self.schema = schema
    self.decoder = FieldDecoder(schema: schema)
    self.asOf = asOf
  }

  /// Specs by entity and slot, filled as fields are met (a class: the converter is passed by value).
  private final class SpecCache {
    var specs: [[FieldDecoder.Spec?]] = []
  }

  private func spec(_ field: FactSchema.Field, entity: FactSchema.Entity) -> FieldDecoder.Spec {
    if specs.specs.count <= entity.index { specs.specs += Array(repeating: [], count: entity.index + 1 - specs.specs.count) }
    if specs.specs[entity.index].count <= field.slot {
      specs.specs[entity.index] += Array(repeating: nil, count: field.slot + 1 - specs.specs[entity.index].count)
    }
    if let spec = specs.specs[entity.index][field.slot] { return spec }
    let spec = decoder.spec(field)
    specs.specs[entity.index][field.slot] = spec
    return spec
  }

  func convert(_ node: YAMLNode, _ field: FactSchema.Field, entity: FactSchema.Entity, into d: inout DiagnosticBag) -> Value? {
    // The field's name in a message, made only when there is a message (every record has fields).
    func what() -> String { "`\(entity.name).\(field.name)`" }
    let spec = spec(field, entity: entity)
    if case .list(let inner) = field.type, case .sequence(let list) = node.kind {
      let itemSpec = decoder.spec(type: inner)
      var values: [Value] = []
      for item in list {
        guard let text = item.scalar else {
          d.add(.error("invalid-value", "\(what()) must be a list of names, found \(item.describe)",
                       zh: "\(what()) 须为名称列表，实际为 \(item.describeZh)", at: item.span))
          return nil
        }
        guard let v = decode(text, itemSpec, what: what, at: item.span, into: &d) else { return nil }
        values.append(v)
      }
      return .list(values)
    }
    guard case .scalar(let text, let plain) = node.kind else {
      let found = node.describe
      let expected = if case .list = field.type { "a list" } else { "a single value" }
      d.add(.error("invalid-value", "\(what()) must be \(expected), found \(found)",
                   zh: "\(what()) 须为\(ChinesePhrase.zh(expected))，实际为 \(node.describeZh)", at: node.span))
      return nil
    }
    if case .bool = field.type, !plain {
      d.add(.error("invalid-value", "\(what()) must be true or false, found the quoted text `\(text)`",
                   zh: "\(what()) 须为 `true` 或 `false`，实际为带引号的文字 `\(text)`", at: node.span, help: "remove the quotes", helpZh: "请去掉引号"))
      return nil
    }
    return decode(text, spec, what: what, at: node.span, into: &d)
  }

  private func decode(_ text: String, _ spec: FieldDecoder.Spec, what: () -> String, at span: SourceSpan, into d: inout DiagnosticBag) -> Value? {
    switch decoder.decode(text, spec, asOf: asOf) {
    case .value(let v): return v
    case .empty:
      // An empty quoted `""`: text stays text; any other type has no empty value.
      switch spec.type {
      case .id, .string, .reference: return .string("")
      default:
        d.add(.error("invalid-value", "\(what()) is empty", zh: "\(what()) 是空的", at: span,
                     help: "write a value, or leave the key out (null)", helpZh: "请填写一个值，或者不写这个键（即为空值 null）"))
        return nil
      }
    case .bad(let problem):
      d.add(.error(problem.code, "\(what()) \(problem.message)", zh: "\(what()) \(problem.messageZh)", at: span,
                   help: problem.help, helpZh: problem.helpZh))
      return nil
    }
  }

  /// A schema default (`default: none`), decoded by the same decoder.
  func defaultValue(_ text: String, _ type: FieldType) -> Value? {
    try? decoder.decodeLiteral(text, type).get()
  }
}
