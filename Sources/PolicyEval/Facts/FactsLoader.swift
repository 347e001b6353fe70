import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues

/// Loads a facts file (YAML or JSON, the shape of shared/contract.md) and validates it against the schema.
///
/// Every problem becomes a diagnostic with file:line:column; nothing is silently dropped. References
/// (`dispatch.person`) are resolved after all records are read, so order in the file does not matter.
public struct FactsLoader: Sendable {
  let schema: FactSchema
  /// The decoder and the fields' specs, made with the loader: one loader kept for many loads (a
  /// server's, per policy set) makes them once.
  let specs: FieldSpecs

  public init(schema: FactSchema) {
    self.schema = schema
    specs = FieldSpecs(schema: schema)
  }

  /// Loads a file. `asOf` (the command line's `--as-of`) overrides the file's `as_of` for the checks
  /// that need the date judged on (an ID number's birth date cannot be later).
  public func load(_ source: SourceFile, asOf: CivilDate? = nil, into d: inout DiagnosticBag) -> Facts? {
    guard let root = YAMLLoader.load(source, into: &d) else { return nil }
    return load(root, asOf: asOf, into: &d)
  }

  public func load(_ root: YAMLNode, asOf: CivilDate? = nil, into d: inout DiagnosticBag) -> Facts? {
    let errorsBefore = d.errorCount
    guard var top = MappingReader(root, context: "facts file", into: &d) else { return nil }
    var facts = Facts(schema: schema)
    if let asOf = top.optional("as_of"), !asOf.isNull {
      facts.asOf = ScalarReader.date(asOf, "`as_of`", into: &d)?.value
    }
    let converter = FieldConverter(specs: specs, asOf: asOf ?? facts.asOf)
    var identities = IdentityIndex(schema: schema)
    var pendingRefs: [(entity: Int, record: Int, slot: Int, target: Int, id: Located<String>)] = []
    // Ids of records rejected for a bad field, per entity kind: references to them are not
    // reported again as unknown (the record's own error is the one to fix).
    var rejected = [Set<String>](repeating: [], count: schema.entities.count)
    for entity in schema.entities {
      guard let node = top.optional(entity.plural), !node.isNull else { continue }
      guard let items = ScalarReader.list(node, "`\(entity.plural)`", into: &d) else { continue }
      // Every column and the id index sized once: grown record by record, each regrew a few times.
      facts.tables[entity.index].reserveCapacity(facts.tables[entity.index].count + items.count)
      for item in items {
        guard let (record, refs, spans) = readRecord(item, entity, converter, into: &d) else {
          if let id = writtenID(of: item) { rejected[entity.index].insert(id) }
          continue
        }
        guard case .string(let id) = record[entity.slots["id"] ?? 0] else { continue }
        if let first = facts.tables[entity.index].index[id] {
          d.add(.error("duplicate-id", "\(entity.name) id `\(id)` is used twice",
                       zh: "`\(entity.name)` 的编号 `\(id)` 用了两次", at: item.span,
                       notes: [.init("first used here", zh: "第一次用在这里", at: facts.tables[entity.index].spans[first])]))
          continue
        }
        identities.add(record, spans, id: id, entity: entity, into: &d)
        let position = facts.tables[entity.index].count
        facts.tables[entity.index].append(id: id, record: record, span: item.span)
        for ref in refs { pendingRefs.append((entity.index, position, ref.slot, ref.target, ref.id)) }
      }
    }
    top.finish(into: &d)
    for ref in pendingRefs {
      if let target = facts.tables[ref.target].index[ref.id.value] {
        facts.tables[ref.entity][record: ref.record, slot: ref.slot] = .entity(kind: ref.target, index: target)
      } else if !rejected[ref.target].contains(ref.id.value) {
        let owner = schema.entities[ref.entity], target = schema.entities[ref.target]
        d.add(.error("unknown-reference", "\(owner.name) `\(facts.tables[ref.entity].ids[ref.record])` names unknown \(target.name) `\(ref.id.value)`",
                     zh: "`\(owner.name)` `\(facts.tables[ref.entity].ids[ref.record])` 引用的 `\(target.name)` `\(ref.id.value)` 不存在",
                     at: ref.id.span, help: EditDistance.didYouMean(ref.id.value, among: facts.tables[ref.target].ids),
                     helpZh: EditDistance.didYouMeanZh(ref.id.value, among: facts.tables[ref.target].ids)))
      }
    }
    return d.errorCount == errorsBefore ? facts : nil
  }

  /// The `id` written in a record, read without checking anything else.
  private func writtenID(of node: YAMLNode) -> String? {
    guard case .mapping(let pairs) = node.kind else { return nil }
    return pairs.first { $0.key.value == "id" }?.value.scalar
  }

  private func readRecord(_ node: YAMLNode, _ entity: FactSchema.Entity, _ converter: FieldConverter, into d: inout DiagnosticBag)
    -> ([Value], [(slot: Int, target: Int, id: Located<String>)], [SourceSpan?])?
  {
    guard var m = MappingReader(node, context: "a \(entity.name)", into: &d) else { return nil }
    var record = [Value](repeating: .null, count: entity.fields.count)
    var spans = [SourceSpan?](repeating: nil, count: entity.fields.count)
    var refs: [(slot: Int, target: Int, id: Located<String>)] = []
    var ok = true
    // Read in place through the buffer: a copy of each field (its name, type, label and bounds, a
    // dozen reference counts) per record, by `for field in` or `let field = fields[i]`, was a good
    // part of loading a case.
    entity.fields.withUnsafeBufferPointer { fields in
      for i in fields.indices {
        let value = m.optional(fields[i].name)
        guard let value, !value.isNull else {
          if fields[i].required {
            d.add(.error("missing-field", "\(entity.name) has no `\(fields[i].name)`, which is required",
                         zh: "`\(entity.name)` 缺少必填字段 `\(fields[i].name)`", at: node.span))
            ok = false
          } else if let text = fields[i].defaultText {
            record[fields[i].slot] = converter.defaultValue(text, fields[i].type) ?? .null
          }
          continue
        }
        spans[fields[i].slot] = value.span
        if case .reference(let target) = fields[i].type, let targetIndex = schema.entityIndex[target] {
          guard let id = ScalarReader.string(value, "`\(fields[i].name)`", into: &d) else { ok = false; continue }
          refs.append((fields[i].slot, targetIndex, id))
          continue
        }
        guard let converted = converter.convert(value, field: i, entity: entity, into: &d) else { ok = false; continue }
        record[fields[i].slot] = converted
      }
    }
    m.finish(into: &d)
    guard ok else { return nil }
    if let (check, problem) = converter.decoder.check(entity, { record[$0] }) {
      let field = entity.fields[check.left]
      d.add(.error(problem.code, "`\(entity.name).\(field.name)` \(problem.message)",
                   zh: "`\(entity.name).\(field.name)` \(problem.messageZh)", at: spans[check.left] ?? node.span,
                   help: problem.help, helpZh: problem.helpZh, notes: [.init("the check is declared here", zh: "该校验在这里声明", at: check.span)]))
      return nil
    }
    return (record, refs, spans)
  }
}
