import PolicySupport

/// Applies an overlay policy (`extends: BASE`) to its base, at the level of YAML nodes.
///
/// Merging before parsing means the result is checked like any policy, and every value keeps the
/// span of the file it came from: an error in an inherited rule points into the base file, one in
/// an override into the overlay. What an overlay may do:
/// - replace top-level keys (`title`, `document`, `jurisdiction`) and keys of `effective`;
/// - override a parameter's keys; its `values` merge by date, so an amendment adds a dated value;
/// - add a parameter (it must declare its `type`);
/// - override keys of a rule by id (`amount`, `vesting`, `when`…), or drop it with `remove: true`;
/// - add a rule (it must say what it is `about`).
/// Overriding a parameter or rule the base does not have is an error with the nearest name.
public enum OverlayMerger {
  public static func merge(base: YAMLNode, baseID: String, overlay: YAMLNode, into d: inout DiagnosticBag) -> YAMLNode {
    guard case .mapping(let basePairs) = base.kind, case .mapping(let overPairs) = overlay.kind else { return overlay }
    var merged = basePairs
    for (key, value) in overPairs {
      switch key.value {
      case "parameters":
        set(&merged, key, mergeParameters(pairValue(basePairs, "parameters"), value, baseID: baseID, into: &d))
      case "rules":
        set(&merged, key, mergeRules(pairValue(basePairs, "rules"), value, baseID: baseID, into: &d))
      case "effective", "document":
        set(&merged, key, pairValue(basePairs, key.value).map { mergeMapping($0, value) } ?? value)
      default:
        set(&merged, key, value)
      }
    }
    return YAMLNode(kind: .mapping(merged), span: overlay.span)
  }

  // MARK: - Parameters

  private static func mergeParameters(_ base: YAMLNode?, _ overlay: YAMLNode, baseID: String, into d: inout DiagnosticBag) -> YAMLNode {
    guard case .mapping(let overPairs) = overlay.kind else { return overlay }
    guard let base, case .mapping(let basePairs) = base.kind else { return overlay }
    var merged = basePairs
    for (name, value) in overPairs {
      if let existing = pairValue(basePairs, name.value) {
        set(&merged, name, mergeParameter(existing, value))
      } else if pairValue(mappingPairs(value), "type") != nil {
        merged.append((name, value))
      } else {
        d.add(.error("unknown-override", "overrides parameter `\(name.value)`, which `\(baseID)` does not have",
                     zh: "覆盖了参数 `\(name.value)`，但基础政策 `\(baseID)` 没有这个参数", at: name.span,
                     help: EditDistance.didYouMean(name.value, among: basePairs.map(\.key.value))
                       ?? "to add a new parameter, give its `type`",
                     helpZh: EditDistance.didYouMeanZh(name.value, among: basePairs.map(\.key.value)) ?? "如要新增参数，请写明它的 `type`"))
      }
    }
    return YAMLNode(kind: .mapping(merged), span: overlay.span)
  }

  /// Keys replace the base's; `values` merge by date (sorted), so old dated values stay in force before the new one.
  private static func mergeParameter(_ base: YAMLNode, _ overlay: YAMLNode) -> YAMLNode {
    guard case .mapping(let basePairs) = base.kind, case .mapping(let overPairs) = overlay.kind else { return overlay }
    var merged = basePairs
    for (key, value) in overPairs {
      if key.value == "values", let old = pairValue(basePairs, "values"), case .mapping(var dated) = old.kind, case .mapping(let added) = value.kind {
        for (date, v) in added { set(&dated, date, v) }
        dated.sort { $0.key.value < $1.key.value }
        set(&merged, key, YAMLNode(kind: .mapping(dated), span: value.span))
      } else {
        set(&merged, key, value)
      }
    }
    return YAMLNode(kind: .mapping(merged), span: overlay.span)
  }

  // MARK: - Rules

  private static func mergeRules(_ base: YAMLNode?, _ overlay: YAMLNode, baseID: String, into d: inout DiagnosticBag) -> YAMLNode {
    guard case .sequence(let overItems) = overlay.kind else { return overlay }
    guard let base, case .sequence(var items) = base.kind else { return overlay }
    let baseIDs = items.compactMap { pairValue(mappingPairs($0), "id")?.scalar }
    for item in overItems {
      let pairs = mappingPairs(item)
      guard let idNode = pairValue(pairs, "id"), let id = idNode.scalar else {
        items.append(item)  // the parser reports the missing id
        continue
      }
      if let index = items.firstIndex(where: { pairValue(mappingPairs($0), "id")?.scalar == id }) {
        if pairValue(pairs, "remove")?.scalar == "true" {
          items.remove(at: index)
          continue
        }
        items[index] = mergeMapping(items[index], YAMLNode(kind: .mapping(pairs.filter { $0.key.value != "remove" }), span: item.span))
      } else if pairValue(pairs, "about") != nil {
        items.append(item)
      } else {
        d.add(.error("unknown-override", "overrides rule `\(id)`, which `\(baseID)` does not have",
                     zh: "覆盖了规则 `\(id)`，但基础政策 `\(baseID)` 没有这条规则", at: idNode.span,
                     help: EditDistance.didYouMean(id, among: baseIDs) ?? "to add a new rule, write it whole (with `clause`, `text`, `about`…)",
                     helpZh: EditDistance.didYouMeanZh(id, among: baseIDs) ?? "如要新增规则，请完整写出（含 `clause`、`text`、`about`…）"))
      }
    }
    return YAMLNode(kind: .sequence(items), span: overlay.span)
  }

  // MARK: - Node helpers

  private static func mergeMapping(_ base: YAMLNode, _ overlay: YAMLNode) -> YAMLNode {
    guard case .mapping(var pairs) = base.kind, case .mapping(let over) = overlay.kind else { return overlay }
    for (key, value) in over { set(&pairs, key, value) }
    return YAMLNode(kind: .mapping(pairs), span: overlay.span)
  }

  static func mappingPairs(_ node: YAMLNode) -> [(key: Located<String>, value: YAMLNode)] {
    if case .mapping(let pairs) = node.kind { return pairs }
    return []
  }

  static func pairValue(_ pairs: [(key: Located<String>, value: YAMLNode)], _ key: String) -> YAMLNode? {
    pairs.first { $0.key.value == key }?.value
  }

  /// Replaces a key's value (keeping its place in the mapping) or appends it. The key's span becomes
  /// the overlay's: a merged mapping records where each key was last written, so an error in an
  /// override points into the overlay, and `explain` can tell an inherited `note` from a rewritten one.
  private static func set(_ pairs: inout [(key: Located<String>, value: YAMLNode)], _ key: Located<String>, _ value: YAMLNode) {
    if let i = pairs.firstIndex(where: { $0.key.value == key.value }) {
      pairs[i] = (key, value)
    } else {
      pairs.append((key, value))
    }
  }

  /// The scalar under `key` at the top of a policy file (`id`, `extends`), without parsing the rest.
  public static func topScalar(_ root: YAMLNode, _ key: String) -> Located<String>? {
    guard let node = pairValue(mappingPairs(root), key), let text = node.scalar else { return nil }
    return Located(text, at: node.span)
  }
}
