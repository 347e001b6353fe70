import Foundation
import PolicyDSL
import PolicySupport

/// The policies a command names (`diff A B`, `compare --policy A`, `explain A`): each an id, or the
/// path of a policy file, resolved to ids and the folders and files to load.
///
/// A path loads that file; an overlay file (`extends: yingjiang`) also loads its base, found beside
/// it or in the policy folders given (`--policies`, by default `policies`). So
/// `subsidy diff policies/yingjiang.yaml examples/variants/yingjiang-2026-draft.yaml` needs no options.
public struct PolicyArguments: Sendable {
  /// The policy id of each argument, in order.
  public var ids: [String]
  /// What to load: the given `--policies` (or `policies`), then each named file and the bases it needs.
  public var paths: [String]

  public init(ids: [String], paths: [String]) {
    self.ids = ids
    self.paths = paths
  }

  /// Whether `argument` names a file rather than a policy id.
  public static func isPath(_ argument: String) -> Bool {
    argument.hasSuffix(".yaml") || argument.hasSuffix(".yml") || argument.contains("/") && FileManager.default.fileExists(atPath: argument)
  }

  public static func resolve(_ arguments: [String], policies: [String], into d: inout DiagnosticBag) -> PolicyArguments? {
    let folders = policies.isEmpty ? ["policies"] : policies
    var needFolders = !policies.isEmpty
    var files: [String] = []
    var ids: [String] = []
    var failed = false
    for argument in arguments {
      guard isPath(argument) else {
        ids.append(argument)
        needFolders = true
        continue
      }
      guard let top = header(argument, into: &d) else {
        failed = true
        continue
      }
      ids.append(top.id)
      files.append(argument)
      var folder = (argument as NSString).deletingLastPathComponent
      // Without a fact schema beside it, the schema comes from the policy folders.
      if !FileManager.default.fileExists(atPath: (folder.isEmpty ? "." : folder) + "/facts.schema.yaml") { needFolders = true }
      // The chain of bases, each beside its overlay, else in the policy folders (else the loader
      // reports `unknown-base` with the nearest id).
      var extends = top.extends
      while let base = extends {
        guard let file = sibling(withID: base, in: folder) else {
          needFolders = true
          break
        }
        files.append(file)
        extends = header(file, into: &d)?.extends
        folder = (file as NSString).deletingLastPathComponent
      }
    }
    var paths = needFolders ? folders : []
    for file in files { add(file, to: &paths) }
    return failed ? nil : PolicyArguments(ids: ids, paths: paths)
  }

  /// A policy file's `id` and `extends`, read without parsing the rest.
  static func header(_ path: String, into d: inout DiagnosticBag) -> (id: String, extends: String?)? {
    guard let source = SourceReader.read(path, into: &d), let root = YAMLLoader.load(source, into: &d) else { return nil }
    guard let id = OverlayMerger.topScalar(root, "id")?.value else {
      d.add(.error("missing-key", "`\(path)` has no `id`: it is not a policy file", zh: "`\(path)` 没有 `id`：它不是政策文件", at: root.span))
      return nil
    }
    return (id, OverlayMerger.topScalar(root, "extends")?.value)
  }

  /// Adds a file unless it is already loaded (itself, or as part of a folder in the list).
  static func add(_ file: String, to paths: inout [String]) {
    let target = canonical(file)
    let folder = canonical((file as NSString).deletingLastPathComponent)
    if paths.contains(where: { canonical($0) == target || canonical($0) == folder }) { return }
    paths.append(file)
  }

  static func sibling(withID id: String, in folder: String) -> String? {
    var scratch = DiagnosticBag()
    return policyFiles(in: folder.isEmpty ? "." : folder).first { header($0, into: &scratch)?.id == id }
  }

  static func policyFiles(in folder: String) -> [String] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    return names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasSuffix(".schema.yaml") }
      .map { (folder as NSString).appendingPathComponent($0) }
  }

  static func canonical(_ path: String) -> String {
    URL(fileURLWithPath: path.isEmpty ? "." : path).standardizedFileURL.resolvingSymlinksInPath().path
  }
}
