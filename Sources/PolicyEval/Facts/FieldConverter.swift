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
  let specs: FieldSpecs
  let asOf: CivilDate?
  var decoder: FieldDecoder { specs.decoder }

  init(specs: FieldSpecs, asOf: CivilDate?) {
    self.specs = specs
    self.asOf = asOf
  }

  /// The value of `node` for field `index` of `entity`. What is needed of the field (its spec, whether
  /// it is a list or a boolean) is read from the entity's `RecordLayout`; its name, for a message, only
  /// when there is one: copying the field's type and names out of the schema for every value of every
  /// record was most of this function's time.
  func convert(_ node: YAMLNode, field index: Int, entity: FactSchema.Entity, layout: RecordLayout, into d: inout DiagnosticBag) -> Value? {
    if layout.isList[index], case .sequence(let list) = node.kind, let itemSpec = layout.itemSpecs[index] {
      var values: [Value] = []
      values.reserveCapacity(list.count)
      for item in list {
        guard case .scalar(let text, _) = item.kind else {
          let what = Self.what(entity, index)
          d.add(.error("invalid-value", "\(what) must be a list of names, found \(item.describe)",
                       zh: "\(what) 须为名称列表，实际为 \(item.describeZh)", at: item.span))
          return nil
        }
        guard let v = decode(text, itemSpec, entity, index, at: item.span, into: &d) else { return nil }
        values.append(v)
      }
      return .list(values)
    }
    guard case .scalar(let text, let plain) = node.kind else {
      let what = Self.what(entity, index)
      let found = node.describe
      let expected = layout.isList[index] ? "a list" : "a single value"
      d.add(.error("invalid-value", "\(what) must be \(expected), found \(found)",
                   zh: "\(what) 须为\(ChinesePhrase.zh(expected))，实际为 \(node.describeZh)", at: node.span))
      return nil
    }
    if layout.isBool[index], !plain {
      let what = Self.what(entity, index)
      d.add(.error("invalid-value", "\(what) must be true or false, found the quoted text `\(text)`",
                   zh: "\(what) 须为 `true` 或 `false`，实际为带引号的文字 `\(text)`", at: node.span, help: "remove the quotes", helpZh: "请去掉引号"))
      return nil
    }
    return decode(text, layout.specs[index], entity, index, at: node.span, into: &d)
  }

  /// The field's name in a message: "`person.relocated`".
  private static func what(_ entity: FactSchema.Entity, _ index: Int) -> String { "`\(entity.name).\(entity.fields[index].name)`" }

  private func decode(_ text: String, _ spec: FieldDecoder.Spec, _ entity: FactSchema.Entity, _ index: Int, at span: SourceSpan,
                      into d: inout DiagnosticBag) -> Value? {
    switch decoder.decode(text, spec, asOf: asOf) {
    case .value(let v): return v
    case .empty:
      // An empty quoted `""`: text stays text; any other type has no empty value.
      switch spec.type {
      case .id, .string, .reference: return .string("")
      default:
        let what = Self.what(entity, index)
        d.add(.error("invalid-value", "\(what) is empty", zh: "\(what) 是空的", at: span,
                     help: "write a value, or leave the key out (null)", helpZh: "请填写一个值，或者不写这个键（即为空值 null）"))
        return nil
      }
    case .bad(let problem):
      let what = Self.what(entity, index)
      d.add(.error(problem.code, "\(what) \(problem.message)", zh: "\(what) \(problem.messageZh)", at: span,
                   help: problem.help, helpZh: problem.helpZh))
      return nil
    }
  }

}

/// The one decoder and every field's spec (and a list field's item spec) for one schema, made once per
/// `FactsLoader` rather than per load: a server keeps one loader per policy set, so a request builds
/// neither the decoder's enum tables nor a spec. Immutable, so requests share it.
final class FieldSpecs: Sendable {
  let decoder: FieldDecoder
  /// By entity index, then slot.
  private let specs: [[FieldDecoder.Spec?]]
  /// A list field's item spec, by entity index, then slot.
  private let itemSpecs: [[FieldDecoder.Spec?]]

  init(schema: FactSchema) {
    let decoder = FieldDecoder(schema: schema)
    self.decoder = decoder
    var specs: [[FieldDecoder.Spec?]] = [], items: [[FieldDecoder.Spec?]] = []
    for entity in schema.entities {
      let width = (entity.fields.map(\.slot).max() ?? -1) + 1
      var row = [FieldDecoder.Spec?](repeating: nil, count: width), itemRow = row
      for field in entity.fields {
        row[field.slot] = decoder.spec(field)
        if case .list(let inner) = field.type { itemRow[field.slot] = decoder.spec(type: inner) }
      }
      if specs.count <= entity.index {
        specs += Array(repeating: [], count: entity.index + 1 - specs.count)
        items += Array(repeating: [], count: entity.index + 1 - items.count)
      }
      specs[entity.index] = row
      items[entity.index] = itemRow
    }
    self.specs = specs
    itemSpecs = items
  }

  func spec(entity: Int, slot: Int) -> FieldDecoder.Spec {
    specs[entity][slot]!
  }

  func itemSpec(entity: Int, slot: Int) -> FieldDecoder.Spec? {
    itemSpecs[entity][slot]
  }
}
