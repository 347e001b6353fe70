import Foundation
import Hummingbird
import PolicySupport
import SubsidyKit

/// `POST /v1/check`: a JSON object of file name → text (policies, overlays, schemas) → the diagnostics
/// of `subsidy check --format json`. Nothing is written to disk: the texts are checked in memory.
/// A map without a schema file is checked against the schema being served (an editor sends one policy).
struct CheckRoute: Sendable {
  let store: PolicyStore
  let options: ServerOptions

  /// More files than a policy folder plausibly holds is a mistake or an attack.
  static let maximumFiles = 64

  func handle(_ request: Request) async throws -> Response {
    let text = try await RequestInput.text(request, limit: options.maxBody, seconds: options.requestSeconds)
    let files = try Self.files(text)
    let outcome = Self.check(files, on: store.snapshot)
    let names = Set(files.map(\.path))
    let diagnostics = Self.reported(outcome, files: files)
    let errors = diagnostics.filter { $0.severity == .error }.count
    let warnings = diagnostics.filter { $0.severity == .warning }.count
    let policies = outcome.policyFiles.filter { names.contains($0.path) }
    let rules = policies.reduce(0) { $0 + $1.rules.count }
    return Respond.json(.object([
      ("ok", .bool(!outcome.hasErrors)),
      ("policies", .number(String(policies.count))), ("rules", .number(String(rules))),
      ("errors", .number(String(errors))), ("warnings", .number(String(warnings))),
      ("diagnostics", Problem.diagnosticsJSON(diagnostics)),
    ]))
  }

  /// Checks texts sent in memory: against the served schema when no schema is among them, and an
  /// overlay sent alone on the served policy it extends (a draft amendment in an editor). `POST /v1/test`
  /// compiles its drafts through here too, so a draft that checks clean is the draft that is tested.
  static func check(_ files: [SourceFile], on snapshot: PolicySnapshot) -> CheckOutcome {
    let schemas = files.filter { $0.path.hasSuffix(".schema.yaml") }
    let sent = files.filter { !$0.path.hasSuffix(".schema.yaml") }
    let sentIDs = Set(sent.compactMap { Self.topScalar("id", in: $0.text) })
    let bases = Set(sent.compactMap { Self.topScalar("extends", in: $0.text) }).subtracting(sentIDs).sorted()
      .compactMap { snapshot.policySources[$0] }
    return PolicySetLoader.check(schemas: schemas.isEmpty ? snapshot.schemaSources : schemas, policies: sent + bases, label: "request")
  }

  /// Only the files sent are reported on: the served schema and bases are not the caller's to fix.
  static func reported(_ outcome: CheckOutcome, files: [SourceFile]) -> [Diagnostic] {
    let names = Set(files.map(\.path))
    return outcome.diagnostics.sorted.filter { $0.span.map { names.contains($0.file) } ?? true }
  }

  /// A top-level `key: value` of a YAML text, read by line (the check itself parses it properly).
  static func topScalar(_ key: String, in text: String) -> String? {
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix(key + ":") {
      let value = line.dropFirst(key.count + 1).split(separator: "#").first ?? ""
      let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\"'"))
      return trimmed.isEmpty ? nil : trimmed
    }
    return nil
  }

  /// The request's files, in name order. Names are plain file names ending in `.yaml` or `.yml`.
  static func files(_ text: String) throws -> [SourceFile] {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    } catch {
      throw Problem.badRequest("json-syntax", "the body is not JSON: an object of file name → file text is expected")
    }
    return try fileMap(object, what: "the body")
  }

  /// A JSON object of file name → text (`what` names it in messages: "the body", "`tests`"), in name order.
  static func fileMap(_ object: Any?, what: String) throws -> [SourceFile] {
    guard let map = object as? [String: Any] else {
      throw Problem.badRequest("not-a-file-map", "\(what) must be a JSON object of file name → file text")
    }
    guard !map.isEmpty, map.count <= maximumFiles else {
      throw Problem.badRequest("file-count", "\(what): send between 1 and \(maximumFiles) files; \(map.count) were sent")
    }
    return try map.keys.sorted().map { name in
      guard let text = map[name] as? String else {
        throw Problem.badRequest("not-a-file-map", "\(what): the value of `\(name.prefix(80))` must be the file's text (a string)")
      }
      guard validName(name) else {
        throw Problem.badRequest("bad-file-name", "`\(name.prefix(80))` is not a plain file name ending in `.yaml` or `.yml`")
      }
      return SourceFile(path: name, text: text)
    }
  }

  static func validName(_ name: String) -> Bool {
    name.count <= 100 && !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
      && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0) }
  }
}
