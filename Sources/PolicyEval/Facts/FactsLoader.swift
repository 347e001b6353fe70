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
  /// How to read a record of each entity kind, by entity index; made once, like `specs`.
  let layouts: [RecordLayout]
  /// An empty `Facts` of the schema, copied by each load: each table's column forms are worked out
  /// once (by names looked up in the schema's dictionaries), not per load.
  let empty: Facts

  public init(schema: FactSchema) {
    self.schema = schema
    specs = FieldSpecs(schema: schema)
    layouts = schema.entities.map { [specs] in RecordLayout($0, schema: schema, specs: specs) }
    empty = Facts(schema: schema)
  }

  /// Loads a file. `asOf` (the command line's `--as-of`) overrides the file's `as_of` for the checks
  /// that need the date judged on (an ID number's birth date cannot be later).
  public func load(_ source: SourceFile, asOf: CivilDate? = nil, into d: inout DiagnosticBag) -> Facts? {
    guard let root = YAMLLoader.load(source, into: &d) else { return nil }
    return load(root, asOf: asOf, into: &d)
  }

  /// What a table holds while its entity's records are read (`load` takes the table out of `Facts`, so
  /// reading a table's count or index does not copy the table, and appending does not find it shared).
  private static let vacated = Facts.Table(codecs: [])

  public func load(_ root: YAMLNode, asOf: CivilDate? = nil, into d: inout DiagnosticBag) -> Facts? {
    let errorsBefore = d.errorCount
    guard var top = MappingReader(root, context: "facts file", into: &d) else { return nil }
    var facts = empty
    if let asOf = top.optional("as_of"), !asOf.isNull {
      facts.asOf = ScalarReader.date(asOf, "`as_of`", into: &d)?.value
    }
    let converter = FieldConverter(specs: specs, asOf: asOf ?? facts.asOf)
    var identities = IdentityIndex()
    var pendingRefs: [PendingReference] = []
    // Ids of records rejected for a bad field, per entity kind: references to them are not
    // reported again as unknown (the record's own error is the one to fix).
    var rejected = [Set<String>](repeating: [], count: schema.entities.count)
    var scratch = RecordScratch()
    for entity in schema.entities {
      guard let node = top.optional(entity.plural), !node.isNull else { continue }
      guard let items = ScalarReader.list(node, "`\(entity.plural)`", into: &d) else { continue }
      let layout = layouts[entity.index]
      var table = facts.tables[entity.index]
      facts.tables[entity.index] = Self.vacated
      // Every column and the id index sized once: grown record by record, each regrew a few times.
      table.reserveCapacity(table.count + items.count)
      pendingRefs.reserveCapacity(pendingRefs.count + items.count * layout.targets.count { $0 >= 0 })
      scratch.resize(entity.fields.count)
      for item in items {
        // The record's references go straight to the pending ones, and are taken back if it is rejected.
        let refsBefore = pendingRefs.count
        let position = table.count
        guard readRecord(item, entity, layout, converter, &scratch, &pendingRefs, position: position, into: &d) else {
          pendingRefs.removeSubrange(refsBefore...)
          if let id = writtenID(of: item) { rejected[entity.index].insert(id) }
          continue
        }
        guard case .string(let id) = scratch.record[layout.idSlot] else {
          pendingRefs.removeSubrange(refsBefore...)
          continue
        }
        // The index read in place (its subscript would copy it for the closure over the id's bytes).
        var idText = id
        if let first = idText.withUTF8({ table.index.find($0) }) {
          d.add(.error("duplicate-id", "\(entity.name) id `\(id)` is used twice",
                       zh: "`\(entity.name)` 的编号 `\(id)` 用了两次", at: item.span,
                       notes: [.init("first used here", zh: "第一次用在这里", at: table.span(of: first))]))
          pendingRefs.removeSubrange(refsBefore...)
          continue
        }
        identities.add(scratch.record, scratch.spans, id: id, entity: entity, numberSlots: layout.numberSlots, into: &d)
        table.append(id: id, record: scratch.record, span: item.span)
      }
      facts.tables[entity.index] = table
    }
    top.finish(into: &d)
    for ref in pendingRefs {
      // Read through the buffer: `facts.tables[k].index` would copy the whole table for each reference.
      var idText = ref.id.value
      let target = idText.withUTF8 { id in facts.tables.withUnsafeBufferPointer { $0[ref.target].index.find(id) } }
      if let target {
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

  /// A reference read and not yet resolved: record `record` of entity kind `entity` names `id` (a record
  /// of kind `target`) in slot `slot`. A struct, not a tuple: a tuple holding a `Located<String>` was
  /// copied through the runtime's generic witnesses, a percent of a served case.
  private struct PendingReference {
    var entity: Int
    var record: Int
    var slot: Int
    var target: Int
    var id: Located<String>
  }

  /// The `id` written in a record, read without checking anything else.
  private func writtenID(of node: YAMLNode) -> String? {
    guard case .mapping(let pairs) = node.kind else { return nil }
    return pairs.first { $0.key.value == "id" }?.value.scalar
  }

  /// One record being read, in buffers kept from record to record (a record used to allocate its
  /// values, their spans, its references and the names asked for).
  private struct RecordScratch {
    /// The values, by slot.
    var record: [Value] = []
    /// Where each value was written, by slot.
    var spans: [SourceSpan?] = []
    /// Per field (by index in `entity.fields`): the position of the first key that names it, or -1.
    var keyOf: [Int] = []

    /// Sized for an entity of `width` fields.
    mutating func resize(_ width: Int) {
      record = [Value](repeating: .null, count: width)
      spans = [SourceSpan?](repeating: nil, count: width)
      keyOf = [Int](repeating: -1, count: width)
    }

    /// Empty again, for the next record.
    mutating func clear() {
      for i in record.indices {
        record[i] = .null
        spans[i] = nil
        keyOf[i] = -1
      }
    }
  }

  /// Reads one record into `s`, and adds its references (as those of record `position` of its table) to
  /// `refs`; false (with its diagnostics) when it is rejected.
  ///
  /// The record's keys are matched to the schema's fields once, by `RecordLayout`: the first key naming a
  /// field gives its value, as `MappingReader.optional` would (`1` and `"1"` are two keys to YAML, one name
  /// here), and keys naming no field are reported after the fields' problems, as `MappingReader.finish`
  /// would.
  private func readRecord(_ node: YAMLNode, _ entity: FactSchema.Entity, _ layout: RecordLayout, _ converter: FieldConverter,
                          _ s: inout RecordScratch, _ refs: inout [PendingReference],
                          position: Int, into d: inout DiagnosticBag) -> Bool
  {
    guard case .mapping(let pairs) = node.kind else {
      _ = MappingReader(node, context: layout.context, into: &d)  // reports `expected-mapping`
      return false
    }
    // The pairs are read in place through their buffer, not copied out one by one (a key with its value).
    return pairs.withUnsafeBufferPointer { pairs in
      readRecord(node, pairs, entity, layout, converter, &s, &refs, position: position, into: &d)
    }
  }

  private func readRecord(_ node: YAMLNode, _ pairs: UnsafeBufferPointer<(key: Located<String>, value: YAMLNode)>, _ entity: FactSchema.Entity,
                          _ layout: RecordLayout, _ converter: FieldConverter, _ s: inout RecordScratch,
                          _ refs: inout [PendingReference],
                          position: Int, into d: inout DiagnosticBag) -> Bool
  {
    s.clear()
    var unknownKeys = false
    for p in pairs.indices {
      if let i = layout.field(named: pairs[p].key.value) {
        if s.keyOf[i] < 0 { s.keyOf[i] = p }
      } else {
        unknownKeys = true
      }
    }
    var ok = true
    // Read in place through the buffer: a copy of each field (its name, type, label and bounds, a
    // dozen reference counts) per record, by `for field in` or `let field = fields[i]`, was a good
    // part of loading a case.
    entity.fields.withUnsafeBufferPointer { fields in
      for i in fields.indices {
        let key = s.keyOf[i]
        guard key >= 0, !pairs[key].value.isNull else {
          if fields[i].required {
            d.add(.error("missing-field", "\(entity.name) has no `\(fields[i].name)`, which is required",
                         zh: "`\(entity.name)` 缺少必填字段 `\(fields[i].name)`", at: node.span))
            ok = false
          } else if let value = layout.defaults[i] {
            s.record[fields[i].slot] = value
          }
          continue
        }
        let value = pairs[key].value
        s.spans[fields[i].slot] = value.span
        if layout.targets[i] >= 0 {
          // The field's name for a message is made only when there is one.
          let id: Located<String>
          if case .scalar(let text, _) = value.kind {
            id = Located(text, at: value.span)
          } else {
            _ = ScalarReader.string(value, "`\(fields[i].name)`", into: &d)  // reports `expected-scalar`
            ok = false
            continue
          }
          refs.append(PendingReference(entity: entity.index, record: position, slot: fields[i].slot, target: layout.targets[i], id: id))
          continue
        }
        guard let converted = converter.convert(value, field: i, entity: entity, layout: layout, into: &d) else { ok = false; continue }
        s.record[fields[i].slot] = converted
      }
    }
    if unknownKeys {
      for p in pairs.indices where layout.field(named: pairs[p].key.value) == nil {
        d.add(MappingReader.unknownKey(pairs[p].key, in: layout.context, known: layout.fieldNames))
      }
    }
    guard ok else { return false }
    if let (check, problem) = converter.decoder.check(entity, { s.record[$0] }) {
      let field = entity.fields[check.left]
      d.add(.error(problem.code, "`\(entity.name).\(field.name)` \(problem.message)",
                   zh: "`\(entity.name).\(field.name)` \(problem.messageZh)", at: s.spans[check.left] ?? node.span,
                   help: problem.help, helpZh: problem.helpZh, notes: [.init("the check is declared here", zh: "该校验在这里声明", at: check.span)]))
      return false
    }
    return true
  }
}
