/// The diff for scripts: the two policies and each change with its parts and its line.
public enum DiffJSON {
  public static func document(_ diff: PolicyDiff) -> JSON {
    .object([
      ("from", side(diff.from)),
      ("to", side(diff.to)),
      ("count", .number(String(diff.entries.count))),
      ("changes", .array(diff.entries.map(entry))),
    ])
  }

  private static func side(_ s: PolicyDiff.Side) -> JSON {
    .object([("id", .string(s.id)), ("title", .string(s.title))])
  }

  private static func entry(_ e: PolicyDiff.Entry) -> JSON {
    .object([
      ("section", .string(e.section.rawValue)),
      ("subject", .string(e.subject)),
      ("clause", .optional(e.clause)),
      ("change", .string(e.change.rawValue)),
      ("field", .string(e.field)),
      ("before", .optional(e.before)),
      ("after", .optional(e.after)),
      ("from", .optional(e.from)),
      ("line", .string(e.line)),
    ])
  }
}
