import PolicyCheck
import PolicyDSL
import PolicyValues

/// Compares two checked policies field by field and says what changed in plain words.
///
/// Works on checked policies (not raw YAML) so that an overlay is compared as the law it
/// produces after merging, and so conditions and amounts can be rendered with the schema's
/// labels (`PlainExpression`) instead of shown as code.
public struct PolicyDiffer {
  let schema: FactSchema
  let language: TextReport.Language

  public init(schema: FactSchema, language: TextReport.Language) {
    self.schema = schema
    self.language = language
  }

  func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

  /// Every difference from `a` to `b`: metadata first, then parameters, then rules in `b`'s order
  /// (rules only in `a` last), so a reader meets them in the order of the newer document.
  public func diff(_ a: CheckedPolicy, _ b: CheckedPolicy) -> PolicyDiff {
    let dates = Self.changeDates(a, b)
    var entries = metadata(a.syntax, b.syntax)
    entries += parameters(a, b, dates: dates)
    // Without any dated value the rendering date only matters for parameters, of which there are none.
    if let latest = dates.last ?? CivilDate(year: 2000, month: 1, day: 1) {
      entries += rules(a, b, dates: dates, latest: latest)
    }
    return PolicyDiff(from: .init(id: a.id, title: a.syntax.title), to: .init(id: b.id, title: b.syntax.title), entries: entries)
  }

  /// The dates on which some value of either policy starts: the only dates where a rendered
  /// amount or parameter can change, so comparing on each of them misses nothing.
  static func changeDates(_ a: CheckedPolicy, _ b: CheckedPolicy) -> [CivilDate] {
    var dates = Set<CivilDate>()
    for p in a.parameters + b.parameters { for v in p.versions { dates.insert(v.from) } }
    for f in [a.syntax.effectiveFrom, b.syntax.effectiveFrom] { if let f { dates.insert(f.value) } }
    return dates.sorted()
  }

  func plain(_ policy: CheckedPolicy, on date: CivilDate) -> PlainExpression {
    PlainExpression(schema: schema, parameters: policy.parameters, language: language, date: date)
  }

  /// A `changed` entry with the line `prefix label: before → after`.
  func changed(_ section: PolicyDiff.Section, _ subject: String, _ clause: String?, field: String, label: String,
               _ before: String, _ after: String, from: CivilDate? = nil, prefix: String) -> PolicyDiff.Entry {
    let since = from.map { t("（自 \($0)）", " (from \($0))") } ?? ""
    return PolicyDiff.Entry(section: section, subject: subject, clause: clause, change: .changed, field: field, before: before, after: after,
                            from: from?.description, line: "\(prefix)\(label)\(label.isEmpty ? "" : " ")\(before) → \(after)\(since)")
  }
}
