import PolicyDSL
import PolicySupport

/// Merges each overlay (`extends: BASE`) onto its base, bases first, so an overlay of an overlay works.
enum OverlayResolver {
  static func resolve(_ roots: [(path: String, root: YAMLNode)], into d: inout DiagnosticBag) -> [(String, YAMLNode)] {
    var byID: [String: Int] = [:]
    for (i, entry) in roots.enumerated() {
      if let id = OverlayMerger.topScalar(entry.root, "id")?.value, byID[id] == nil { byID[id] = i }
    }
    var resolved: [Int: YAMLNode] = [:]
    var visiting = Set<Int>()
    func resolve(_ i: Int) -> YAMLNode? {
      if let done = resolved[i] { return done }
      let entry = roots[i]
      guard let extends = OverlayMerger.topScalar(entry.root, "extends") else {
        resolved[i] = entry.root
        return entry.root
      }
      guard let baseIndex = byID[extends.value] else {
        d.add(.error("unknown-base", "extends `\(extends.value)`, but no policy has that id",
                     zh: "扩展了 `\(extends.value)`，但没有编号为它的政策", at: extends.span,
                     help: EditDistance.didYouMean(extends.value, among: byID.keys) ?? "check the base policy is loaded too, e.g. `subsidy check policies \(entry.path)`",
                     helpZh: EditDistance.didYouMeanZh(extends.value, among: byID.keys) ?? "请确认基础政策也已加载，例如 `subsidy check policies \(entry.path)`"))
        return nil
      }
      guard baseIndex != i, visiting.insert(i).inserted else {
        d.add(.error("overlay-cycle", "`\(extends.value)` extends itself through a chain of overlays",
                     zh: "`\(extends.value)` 经由一串覆盖政策扩展了它自己", at: extends.span))
        return nil
      }
      defer { visiting.remove(i) }
      guard let base = resolve(baseIndex) else { return nil }
      let merged = OverlayMerger.merge(base: base, baseID: extends.value, overlay: entry.root, into: &d)
      resolved[i] = merged
      return merged
    }
    return roots.indices.compactMap { i in resolve(i).map { (roots[i].path, $0) } }
  }
}
