import PolicyCheck
import PolicyDSL
import PolicySupport
import PolicyValues

extension FactsLoader {
  /// Where a facts file writes personal data: the value of every `pii` field of every record, found
  /// by the shape of the file (not by loading it, so it works on a file that fails to load).
  /// Diagnostics quote source lines; these spans are masked in the quoted copy.
  public func piiSpans(_ root: YAMLNode) -> [SourceSpan] {
    guard case .mapping(let top) = root.kind else { return [] }
    var spans: [SourceSpan] = []
    for (key, list) in top {
      guard let entity = schema.entity(plural: key.value), entity.fields.contains(where: \.pii),
        case .sequence(let items) = list.kind
      else { continue }
      for item in items {
        guard case .mapping(let pairs) = item.kind else { continue }
        for (name, value) in pairs where entity.field(name.value)?.pii == true {
          spans += Self.scalarSpans(value)
        }
      }
    }
    return spans
  }

  /// The content of each scalar under `node` (inside the quotes of a quoted one).
  private static func scalarSpans(_ node: YAMLNode) -> [SourceSpan] {
    switch node.kind {
    case .scalar(let text, _):
      return node.contentOffset >= 0 ? [node.span(ofContentOffset: 0, length: text.unicodeScalars.count)] : [node.span]
    case .sequence(let items): return items.flatMap(scalarSpans)
    case .mapping(let pairs): return pairs.flatMap { scalarSpans($0.value) }
    }
  }

  /// `source` as diagnostics may quote it: every `pii` value masked, and anything that looks like an
  /// ID number elsewhere (a misplaced one, a file that is not YAML at all) masked too.
  public func quotable(_ source: SourceFile) -> SourceFile {
    let patterned = SourceFile(path: source.path, text: PIIMask.mask(source.text))
    var scratch = DiagnosticBag()
    guard let root = YAMLLoader.load(source, into: &scratch) else { return patterned }
    return patterned.redacting(piiSpans(root), with: PIIMask.masked)
  }
}
