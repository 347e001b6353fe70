import Foundation
import Hummingbird
import PolicyEval
import PolicySupport
import SubsidyKit

/// What the page's 规则编辑 needs beyond `POST /v1/check`: a served policy's text with its test files
/// (`GET /v1/policies/{id}/source`), and those tests run against a draft (`POST /v1/test`). A draft
/// lives in the browser: nothing here writes to disk, and the download is the page's own.
struct EditorRoutes: Sendable {
  let store: PolicyStore
  let options: ServerOptions

  /// The policy file as served (named by its file name alone, never the server's path) and the test
  /// files of `tests/` that name it, as `POST /v1/test` takes them back.
  func source(_ request: Request, context: some RequestContext) throws -> Response {
    let snapshot = store.snapshot
    let policy = try PolicyRoutes.find(try RequestInput.id(context, "id"), in: snapshot)
    guard let source = snapshot.policySources[policy.id] else {
      throw Problem.notFound("unknown-policy", "policy `\(policy.id)` has no source file")
    }
    let tests = snapshot.testSources[policy.id] ?? []
    return Respond.json(.object([
      ("id", .string(policy.id)), ("file", .string((source.path as NSString).lastPathComponent)), ("text", .string(source.text)),
      ("tests", .object(tests.map { ($0.path, .string($0.text)) })),
    ]))
  }

  /// `{"policies": {name: text}, "tests": {name: text}}` → the document of `subsidy test --format json`
  /// for those tests run on those policies (checked as `POST /v1/check` checks them: the served schema
  /// when none is sent, the served base of an overlay sent alone). Policies that fail `check` cannot be
  /// tested: 422 with their diagnostics.
  func test(_ request: Request) async throws -> Response {
    let text = try await RequestInput.text(request, limit: options.maxBody, seconds: options.requestSeconds)
    let (policies, tests) = try Self.parts(text)
    let outcome = CheckRoute.check(policies, on: store.snapshot)
    guard let set = outcome.set, !outcome.hasErrors else {
      let diagnostics = CheckRoute.reported(outcome, files: policies)
      throw Problem(.unprocessableContent, "policies-invalid", "the policies fail check",
                    detail: "the policies sent have errors; fix them before their tests can run",
                    diagnostics: diagnostics.contains { $0.severity == .error } ? diagnostics : outcome.diagnostics.sorted)
    }
    let report = TestRunner(program: Program(set)).run(sources: tests)
    return Respond.json(report.json)
  }

  /// The body's two file maps. Test files are named like policy files (plain names ending in `.yaml`).
  static func parts(_ text: String) throws -> (policies: [SourceFile], tests: [SourceFile]) {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    } catch {
      throw Problem.badRequest("json-syntax", "the body is not JSON: an object with `policies` and `tests` (file name → text) is expected")
    }
    guard let body = object as? [String: Any] else {
      throw Problem.badRequest("not-a-test-request", "the body must be a JSON object with `policies` and `tests`, each file name → text")
    }
    if let unknown = body.keys.sorted().first(where: { $0 != "policies" && $0 != "tests" }) {
      throw Problem.badRequest("not-a-test-request", "unknown key `\(unknown.prefix(80))`: the body has only `policies` and `tests`")
    }
    for key in ["policies", "tests"] where body[key] == nil {
      throw Problem.badRequest("not-a-test-request", "`\(key)` is missing: the body has `policies` and `tests`, each file name → text")
    }
    return (try CheckRoute.fileMap(body["policies"], what: "`policies`"), try CheckRoute.fileMap(body["tests"], what: "`tests`"))
  }
}
