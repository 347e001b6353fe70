import Foundation
import PolicyCheck
import PolicyDSL
import PolicySupport

/// What `check` produced: the checked set (when there were no errors), every diagnostic, and the
/// sources so diagnostics can quote their lines.
public struct CheckOutcome: Sendable {
  public var set: CheckedPolicySet?
  public var diagnostics: DiagnosticBag
  public var sources: [SourceFile]
  public var policyFiles: [PolicyFile]
  public var hasErrors: Bool { diagnostics.hasErrors || set == nil }
}

/// Loads a policy directory: `*.schema.yaml` files (base `facts.schema.yaml` first) and policy `*.yaml`.
/// Sub-folders (such as `tests/`) are not policies.
public enum PolicySetLoader {
  public static func check(_ path: String, only: [String]? = nil) -> CheckOutcome {
    check([path], only: only)
  }

  /// Checks the policies of several directories or files together (e.g. `policies` and a folder of
  /// overlays that extend them). Schema files are gathered from every directory.
  public static func check(_ paths: [String], only: [String]? = nil) -> CheckOutcome {
    var d = DiagnosticBag()
    var sources: [SourceFile] = []
    let (schemaPaths, policyPaths) = discover(paths, into: &d)
    let path = paths.joined(separator: ", ")
    let (schemaFiles, schemaUnreadable) = readSchemas(schemaPaths, path: path, sources: &sources, into: &d)
    let policySources = policyPaths.compactMap { SourceReader.read($0, into: &d) }
    return check(policySources, schemaFiles: schemaFiles, schemaUnreadable: schemaUnreadable, path: path, only: only,
                 sources: sources, into: d)
  }

  /// Checks policy sources already read against parsed schema files: the part of `check` after the
  /// files are found and read. Public for the fuzz targets (`Fuzz/`), which hold a policy in memory.
  public static func check(_ policySources: [SourceFile], schemaFiles: [SchemaFile], schemaUnreadable: Bool = false,
                           path: String, only: [String]? = nil, sources: [SourceFile] = [], into diagnostics: DiagnosticBag = DiagnosticBag())
    -> CheckOutcome
  {
    var d = diagnostics
    var sources = sources
    var roots: [(path: String, root: YAMLNode)] = []
    for source in policySources {
      sources.append(source)
      if let root = YAMLLoader.load(source, into: &d) { roots.append((source.path, root)) }
    }
    var policies: [PolicyFile] = []
    for (file, root) in OverlayResolver.resolve(roots, into: &d) {
      if let policy = PolicyFile.parse(root: root, path: file, into: &d) { policies.append(policy) }
    }
    if let only {
      for id in only where !policies.contains(where: { $0.id.value == id }) {
        d.add(.error("unknown-policy", "no policy `\(id)` in `\(path)`", at: nil, help: nearest(id, among: policies.map(\.id.value))))
      }
      policies = policies.filter { only.contains($0.id.value) }
    }
    // Without a whole schema every entity and field a rule names would be reported unknown:
    // the schema's own error is the one to fix, so policies are only parsed, not checked.
    guard !schemaUnreadable else { return CheckOutcome(set: nil, diagnostics: d, sources: sources, policyFiles: policies) }
    let set = PolicyChecker.run(schemaFiles: schemaFiles, policies: policies, into: &d)
    return CheckOutcome(set: d.hasErrors ? nil : set, diagnostics: d, sources: sources, policyFiles: policies)
  }

  /// "did you mean `yingjiang`?" when one id is close, and the loaded ids, nearest first.
  static func nearest(_ id: String, among ids: [String]) -> String? {
    guard !ids.isEmpty else { return nil }
    let ranked = ids.sorted { (EditDistance.distance(id, $0), $0) < (EditDistance.distance(id, $1), $1) }
    let listed = "the policies loaded are " + ranked.prefix(8).map { "`\($0)`" }.joined(separator: ", ") + (ranked.count > 8 ? ", …" : "")
    return EditDistance.didYouMean(id, among: ids).map { "\($0) (\(listed))" } ?? listed
  }

  /// The fact schema of the policy directories or files in `paths` (the base `facts.schema.yaml`
  /// and every region's `*.schema.yaml`), without the policies: what `subsidy schema` documents.
  public static func factSchema(_ paths: [String]) -> (schema: FactSchema?, files: [SchemaFile], diagnostics: DiagnosticBag, sources: [SourceFile]) {
    var d = DiagnosticBag()
    var sources: [SourceFile] = []
    let (schemaPaths, _) = discover(paths, into: &d)
    let (files, unreadable) = readSchemas(schemaPaths, path: paths.joined(separator: ", "), sources: &sources, into: &d)
    guard !unreadable, !d.hasErrors else { return (nil, files, d, sources) }
    let schema = FactSchema.build(files, into: &d)
    return (d.hasErrors ? nil : schema, files, d, sources)
  }

  /// Schema and policy files of several paths, each once; the base schema first.
  static func discover(_ paths: [String], into d: inout DiagnosticBag) -> (schemas: [String], policies: [String]) {
    var schemaPaths: [String] = []
    var policyPaths: [String] = []
    for path in paths {
      let (schemas, policies) = discover(path, into: &d)
      schemaPaths += schemas.filter { !schemaPaths.contains($0) }
      policyPaths += policies.filter { !policyPaths.contains($0) }
    }
    schemaPaths.sort { ($0.hasSuffix("/facts.schema.yaml") || $0 == "facts.schema.yaml" ? 0 : 1, $0) < ($1.hasSuffix("/facts.schema.yaml") || $1 == "facts.schema.yaml" ? 0 : 1, $1) }
    return (schemaPaths, policyPaths)
  }

  /// Reads and parses schema files; `unreadable` when one could not be used at all.
  static func readSchemas(_ schemaPaths: [String], path: String, sources: inout [SourceFile], into d: inout DiagnosticBag) -> (files: [SchemaFile], unreadable: Bool) {
    var schemaFiles: [SchemaFile] = []
    var unreadable = false
    for file in schemaPaths {
      guard let source = SourceReader.read(file, into: &d) else { unreadable = true; continue }
      sources.append(source)
      if let schema = SchemaFile.parse(source, into: &d) { schemaFiles.append(schema) } else { unreadable = true }
    }
    if schemaPaths.isEmpty {
      d.add(.error("no-schema", "no fact schema (`facts.schema.yaml`) in `\(path)`", at: nil,
                   help: "a policy directory holds the schema beside the policies"))
    }
    return (schemaFiles, unreadable)
  }

  /// Lists schema and policy files; a single policy file is checked with the schema beside it.
  /// Only regular files inside the folder are read: a link whose target is outside it (a policy
  /// "file" that is really /etc/shadow), or anything that is not a regular file, is refused.
  static func discover(_ path: String, into d: inout DiagnosticBag) -> (schemas: [String], policies: [String]) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      d.add(.error("file-not-found", "no such file or directory `\(path)`", at: nil))
      return ([], [])
    }
    let directory = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []).sorted()
    let join = { (name: String) in directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name) }
    let folder = PolicyFolder(directory.isEmpty ? "." : directory)
    let schemas = names.filter { $0.hasSuffix(".schema.yaml") }.sorted { a, b in
      (a == "facts.schema.yaml" ? 0 : 1, a) < (b == "facts.schema.yaml" ? 0 : 1, b)
    }.map(join).filter { folder.admits($0, into: &d) }
    if !isDirectory.boolValue { return (schemas, folder.admits(path, into: &d) ? [path] : []) }
    let policies = names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasSuffix(".schema.yaml") }.map(join)
      .filter { folder.admits($0, into: &d) }
    return (schemas, policies)
  }
}

/// A policy folder, resolved once, and the rule for what in it may be read.
struct PolicyFolder {
  let resolved: String

  init(_ directory: String) {
    resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().standardizedFileURL.path
  }

  /// Whether `path` is a regular file inside the folder (after following links); if not, says why.
  func admits(_ path: String, into d: inout DiagnosticBag) -> Bool {
    let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    let inside = target.hasPrefix(resolved.hasSuffix("/") ? resolved : resolved + "/")
    let isLink = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    if !inside {
      d.add(.error("outside-policy-folder", "`\(path)` is a link to a file outside the policy folder; it is not read", at: nil,
                   help: "copy the file into the folder if it really is a policy"))
      return false
    }
    let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType
    guard type == .typeRegular else {
      d.add(.error("not-a-regular-file", "`\(path)`\(isLink ? " links to something that" : "") is not a regular file; it is not read", at: nil))
      return false
    }
    return true
  }
}
