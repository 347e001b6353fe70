import PolicyCheck
import PolicyEval
import PolicyValues

/// Applies a `Localizer` to a whole set of facts (a case file or one chunk of a batch).
///
/// - A person's 户籍 becomes `Localizer.hukou`.
/// - A record that names a person (a placement, a training) has its own codes moved relative to
///   that person's old and new home: a placement's destination keeps its scope.
/// - An organisation's location is moved relative to the worker of the placement that names it,
///   so every placement sees its organiser and employer where it saw them before (local or not).
///   When placements of workers from different homes need the same organisation in different
///   places, the later ones get a copy of it, with the same id, at their own place: payees, limits
///   and group keys go by id, so the copy pays and counts as the same organisation.
/// - An organisation no placement names is moved relative to the cohort's first worker.
struct CohortLocalizer {
  let localizer: Localizer
  private let entities: [FactSchema.Entity]
  private let person: FactSchema.Entity?
  private let organization: FactSchema.Entity?

  init(schema: FactSchema, localizer: Localizer) {
    self.localizer = localizer
    entities = schema.entities
    person = schema.entity("person")
    organization = schema.entity("organization")
  }

  func localize(_ facts: inout Facts) {
    guard let person, let hukouSlot = person.field("hukou")?.slot else { return }
    var oldHome: [DivisionCode?] = []
    for record in 0..<facts.tables[person.index].count {
      if case .code(let old) = facts.tables[person.index][record: record, slot: hukouSlot] {
        oldHome.append(old)
        facts.tables[person.index][record: record, slot: hukouSlot] = .code(localizer.hukou(old))
      } else {
        oldHome.append(nil)
      }
    }
    var orgs = organization.map { OrganizationPlaces(entity: $0, facts: facts) }
    for entity in entities where entity.index != person.index && entity.index != organization?.index {
      guard let personSlot = entity.field("person")?.slot else { continue }
      let codes = Self.codeSlots(entity)
      let orgRefs = entity.fields.filter { $0.type == .reference("organization") }.map(\.slot)
      for record in 0..<facts.tables[entity.index].count {
        guard case .entity(_, let p) = facts.tables[entity.index][record: record, slot: personSlot], p < oldHome.count,
          let from = oldHome[p]
        else { continue }
        let to = localizer.hukou(from)
        for slot in codes {
          if case .code(let code) = facts.tables[entity.index][record: record, slot: slot] {
            facts.tables[entity.index][record: record, slot: slot] = .code(localizer.place(code, from: from, to: to))
          }
        }
        for slot in orgRefs {
          guard case .entity(let kind, let o) = facts.tables[entity.index][record: record, slot: slot], kind == organization?.index,
            let placed = orgs?.place(o, from: from, to: to, localizer: localizer, facts: &facts)
          else { continue }
          if placed != o { facts.tables[entity.index][record: record, slot: slot] = .entity(kind: kind, index: placed) }
        }
      }
    }
    if var orgs, let from = oldHome.compactMap({ $0 }).first {
      orgs.placeTheRest(from: from, to: localizer.hukou(from), localizer: localizer, facts: &facts)
    }
  }

  static func codeSlots(_ entity: FactSchema.Entity) -> [Int] {
    entity.fields.filter { $0.type == .code }.map(\.slot)
  }
}

/// The organisations of one set of facts: their original codes, and where each was put.
private struct OrganizationPlaces {
  let kind: Int
  let slots: [Int]
  /// The original code in each slot, per organisation record (before any move).
  let originals: [[DivisionCode?]]
  /// The codes each organisation (by original record) was given, and copies made for other homes.
  var assigned: [Int: [DivisionCode?]] = [:]
  var copies: [Int: [(codes: [DivisionCode?], record: Int)]] = [:]

  init(entity: FactSchema.Entity, facts: Facts) {
    kind = entity.index
    let slots = CohortLocalizer.codeSlots(entity)
    self.slots = slots
    let table = facts.tables[entity.index]
    originals = (0..<table.count).map { o in
      slots.map { slot in if case .code(let c) = table[record: o, slot: slot] { c } else { nil } }
    }
  }

  /// The record (the organisation itself or a copy) that has its codes where a worker from `from`,
  /// now at `to`, saw them.
  mutating func place(_ o: Int, from: DivisionCode, to: DivisionCode, localizer: Localizer, facts: inout Facts) -> Int {
    guard o < originals.count else { return o }
    let targets = originals[o].map { $0.map { localizer.place($0, from: from, to: to) } }
    guard let current = assigned[o] else {
      assigned[o] = targets
      write(targets, to: o, in: &facts)
      return o
    }
    if current == targets { return o }
    if let copy = copies[o]?.first(where: { $0.codes == targets }) { return copy.record }
    // Read what the copy needs first: holding the table while appending would copy all its values.
    let id = facts.tables[kind].ids[o], values = facts.tables[kind].record(o), span = facts.tables[kind].span(of: o)
    facts.tables[kind].append(id: id, record: values, span: span)
    let record = facts.tables[kind].count - 1
    facts.tables[kind].index[id] = o  // lookups by id still find the organisation itself
    write(targets, to: record, in: &facts)
    copies[o, default: []].append((targets, record))
    return record
  }

  /// Organisations no record named: moved as for the cohort's first worker.
  mutating func placeTheRest(from: DivisionCode, to: DivisionCode, localizer: Localizer, facts: inout Facts) {
    for o in originals.indices where assigned[o] == nil {
      _ = place(o, from: from, to: to, localizer: localizer, facts: &facts)
    }
  }

  private func write(_ codes: [DivisionCode?], to record: Int, in facts: inout Facts) {
    for (slot, code) in zip(slots, codes) {
      if let code { facts.tables[kind][record: record, slot: slot] = .code(code) }
    }
  }
}
