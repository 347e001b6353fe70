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
    let (schemaPaths, policyPaths) = discover(paths, into: &d)
    var schemas: [SourceFile] = []
    var schemaUnreadable = false
    for file in schemaPaths {
      if let source = SourceReader.read(file, into: &d) { schemas.append(source) } else { schemaUnreadable = true }
    }
    let policies = policyPaths.compactMap { SourceReader.read($0, into: &d) }
    return check(schemas: schemas, policies: policies, schemaUnreadable: schemaUnreadable, only: only,
                 label: paths.joined(separator: ", "), into: d)
  }

  /// Checks schema and policy texts already read (from disk, or given in memory to the server's
  /// `POST /v1/check`): the one pipeline after reading. `label` names where they came from in messages.
  public static func check(schemas: [SourceFile], policies policySources: [SourceFile], schemaUnreadable: Bool = false,
                           only: [String]? = nil, label: String, into diagnostics: DiagnosticBag = DiagnosticBag()) -> CheckOutcome {
    var d = diagnostics
    var sources: [SourceFile] = []
    if schemas.isEmpty && !schemaUnreadable { noSchema(label, into: &d) }
    let (schemaFiles, unparsed) = parseSchemas(schemas, path: label, sources: &sources, into: &d)
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
        d.add(.error("unknown-policy", "no policy `\(id)` in `\(label)`", zh: "`\(label)` 中没有政策 `\(id)`", at: nil,
                     help: nearest(id, among: policies.map(\.id.value)), helpZh: nearestZh(id, among: policies.map(\.id.value))))
      }
      policies = policies.filter { only.contains($0.id.value) }
    }
    // Without a whole schema every entity and field a rule names would be reported unknown:
    // the schema's own error is the one to fix, so policies are only parsed, not checked.
    guard !schemaUnreadable, !unparsed else { return CheckOutcome(set: nil, diagnostics: d, sources: sources, policyFiles: policies) }
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

  /// The same in Chinese: "是否应为 `yingjiang`？（已加载的政策：…）".
  static func nearestZh(_ id: String, among ids: [String]) -> String? {
    guard !ids.isEmpty else { return nil }
    let ranked = ids.sorted { (EditDistance.distance(id, $0), $0) < (EditDistance.distance(id, $1), $1) }
    let listed = "已加载的政策：" + ranked.prefix(8).map { "`\($0)`" }.joined(separator: "、") + (ranked.count > 8 ? "…" : "")
    return EditDistance.didYouMeanZh(id, among: ids).map { "\($0)（\(listed)）" } ?? listed
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
    var read: [SourceFile] = []
    var unreadable = false
    for file in schemaPaths {
      if let source = SourceReader.read(file, into: &d) { read.append(source) } else { unreadable = true }
    }
    if schemaPaths.isEmpty { noSchema(path, into: &d) }
    let (files, unparsed) = parseSchemas(read, path: path, sources: &sources, into: &d)
    return (files, unreadable || unparsed)
  }

  static func noSchema(_ path: String, into d: inout DiagnosticBag) {
    d.add(.error("no-schema", "no fact schema (`facts.schema.yaml`) in `\(path)`",
                 zh: "`\(path)` 中没有事实模式文件（`facts.schema.yaml`）", at: nil,
                 help: "a policy directory holds the schema beside the policies", helpZh: "政策文件夹里，模式文件与政策文件放在一起"))
  }

  /// Parses schema texts; `unparsed` when one could not be used.
  static func parseSchemas(_ read: [SourceFile], path: String, sources: inout [SourceFile], into d: inout DiagnosticBag) -> (files: [SchemaFile], unparsed: Bool) {
    var schemaFiles: [SchemaFile] = []
    var unparsed = false
    for source in read {
      sources.append(source)
      if let schema = SchemaFile.parse(source, into: &d) { schemaFiles.append(schema) } else { unparsed = true }
    }
    return (schemaFiles, unparsed)
  }

  /// Lists schema and policy files; a single policy file is checked with the schema beside it.
  /// Only regular files inside the folder are read: a link whose target is outside it (a policy
  /// "file" that is really /etc/shadow), or anything that is not a regular file, is refused.
  static func discover(_ path: String, into d: inout DiagnosticBag) -> (schemas: [String], policies: [String]) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      d.add(.error("file-not-found", "no such file or directory `\(path)`", zh: "文件或文件夹 `\(path)` 不存在", at: nil))
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
      d.add(.error("outside-policy-folder", "`\(path)` is a link to a file outside the policy folder; it is not read",
                   zh: "`\(path)` 是指向政策文件夹以外文件的链接，不予读取", at: nil,
                   help: "copy the file into the folder if it really is a policy", helpZh: "如果它确实是政策，请把文件复制到文件夹里"))
      return false
    }
    let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType
    guard type == .typeRegular else {
      d.add(.error("not-a-regular-file", "`\(path)`\(isLink ? " links to something that" : "") is not a regular file; it is not read",
                   zh: "`\(path)` \(isLink ? "所链接的对象" : "")不是普通文件，不予读取", at: nil))
      return false
    }
    return true
  }
}
