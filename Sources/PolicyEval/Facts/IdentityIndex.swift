import PolicyCheck
import PolicySupport
import PolicyValues

/// An ID number identifies one person: in one facts file, two records (of the same kind) with the
/// same `id_number` but different ids are an error, pointing at the second with a note at the first.
///
/// (The batch keeps the same rule across a whole file and its chunks in `IdentityRegistry`; a
/// record with one id cannot carry two numbers here, since ids are unique in a facts file.)
struct IdentityIndex {
  private var first: [String: (id: String, span: SourceSpan?)] = [:]

  /// Checks a record's ID numbers; `numberSlots` are the slots of the entity's ID-number fields (found
  /// once per loader, `RecordLayout`).
  mutating func add(_ record: [Value], _ spans: [SourceSpan?], id: String, entity: FactSchema.Entity, numberSlots: [Int], into d: inout DiagnosticBag) {
    for slot in numberSlots {
      guard case .string(let number) = record[slot] else { continue }
      let key = "\(entity.index)|\(slot)|\(number)"
      if let earlier = first[key] {
        guard earlier.id != id else { continue }
        d.add(.error("duplicate-id-number", "\(entity.name) `\(id)` has the ID number of \(entity.name) `\(earlier.id)` (\(PIIMask.masked(number))); an ID number identifies one person",
                     zh: "`\(entity.name)` `\(id)` 与 `\(entity.name)` `\(earlier.id)` 的身份证号相同（\(PIIMask.masked(number))）；一个身份证号只对应一个人",
                     at: spans[slot], help: "merge the two records under one id, or correct the number", helpZh: "请把两条记录合并到同一个编号下，或改正号码",
                     notes: [.init("\(entity.name) `\(earlier.id)` has it here", zh: "`\(entity.name)` `\(earlier.id)` 的号码在这里", at: earlier.span)]))
      } else {
        first[key] = (id, spans[slot])
      }
    }
  }
}
