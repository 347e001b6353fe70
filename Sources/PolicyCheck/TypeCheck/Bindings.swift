import PolicyDSL

/// The names a rule's expressions may use, each bound to a path from the subject.
///
/// In a rule about `dispatch`: `dispatch` itself, its references by field name (`person`,
/// `organizer`, `employer`) and their references (`household` through `person`).
struct Bindings {
  struct Binding {
    var entity: Int
    var steps: [FieldStep]
  }
  var subject: Int
  var names: [String: Binding] = [:]

  init(subject: Int, schema: FactSchema) {
    self.subject = subject
    let root = schema.entities[subject]
    names[root.name] = Binding(entity: subject, steps: [])
    var frontier: [(Int, [FieldStep])] = [(subject, [])]
    for _ in 0..<2 {
      var next: [(Int, [FieldStep])] = []
      for (entity, steps) in frontier {
        for field in schema.entities[entity].fields {
          guard case .reference(let target) = field.type, let targetIndex = schema.entityIndex[target] else { continue }
          if names[field.name] != nil { continue }
          let path = steps + [FieldStep(entity: entity, slot: field.slot)]
          names[field.name] = Binding(entity: targetIndex, steps: path)
          next.append((targetIndex, path))
        }
      }
      frontier = next
    }
  }
}
