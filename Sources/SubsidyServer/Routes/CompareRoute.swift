import Foundation
import Hummingbird
import PolicySupport
import PolicyValues
import SubsidyKit

/// `POST /v1/compare`: a cohort and two or more served policies → the JSON of
/// `subsidy compare --format json`, byte for byte, made by the same `CompareRunner` and `CompareJSON`.
///
/// The cohort is the body: a facts document (`application/json`, or `application/yaml`) or a batch
/// CSV (`text/csv`, with `?as_of=`), and the policies are `?policies=a,b`. A program that cannot set
/// a query (the page) sends instead `{"policies": ["a", "b"], "cohort": "<the file's text>",
/// "format": "yaml" | "json" | "csv", "as_of": "YYYY-MM-DD"}`; line and column in a problem are then
/// those of the cohort's text. The body is within `--max-body`: larger cohorts are for the CLI.
struct CompareRoute: Sendable {
  let store: PolicyStore
  let options: ServerOptions
  let compiled: ComparedPolicies

  /// More policies than this in one comparison is a mistake (the report grows with every pair).
  static let maximumPolicies = 8

  enum Format: String { case json, yaml, csv }

  func handle(_ request: Request) async throws -> Response {
    let language = try RequestInput.language(request)
    var asOf = try RequestInput.date(request, "as_of")
    let detail = try RequestInput.integer(request, "detail", in: 0...200) ?? 20
    var format = try Self.format(request)
    var ids = try request.uri.queryParameters["policies"].map { try Self.ids(String($0)) }
    var cohort = try await RequestInput.text(request, limit: options.maxBody, seconds: options.requestSeconds)
    if format == .json, let wrapper = try Self.wrapper(cohort) {
      guard ids == nil || wrapper.policies == nil else {
        throw Problem.badRequest("policies-twice", "name the policies once: in `?policies=` or in the body's `policies`, not both")
      }
      ids = wrapper.policies ?? ids
      cohort = wrapper.cohort
      format = wrapper.format
      if let date = wrapper.asOf {
        guard asOf == nil else { throw Problem.badRequest("as-of-twice", "give the date once: in `?as_of=` or in the body's `as_of`, not both") }
        asOf = date
      }
    }
    guard let ids else {
      throw Problem.badRequest("too-few-policies", "name two or more policies to compare: `?policies=yingjiang,sandu`")
    }
    if format == .csv && asOf == nil {
      throw Problem(.unprocessableContent, "no-as-of", "no date to judge on", detail: "a batch CSV has no `as_of`; give it as `?as_of=YYYY-MM-DD`")
    }
    let snapshot = store.snapshot
    // Compiling (once per reload) takes a while: not on the threads that serve the other requests.
    let cache = compiled
    let policies = try await Blocking.run { try ids.map { try cache.policy($0, in: snapshot) } }
    var compare = CompareOptions(input: "request.\(format.rawValue)")
    compare.inputBytes = Array(cohort.utf8)
    compare.asOf = asOf
    compare.detail = detail
    compare.language = language
    let program = snapshot.program
    let settled = compare
    let (report, diagnostics) = try await Blocking.run { () throws -> (CompareReport?, [Diagnostic]) in
      var d = DiagnosticBag()
      do {
        let report = try CompareRunner(policies: policies, options: settled)?.run(into: &d)
        return (d.hasErrors ? nil : report, d.sorted)
      } catch let failure as CSVReader.Failure {
        throw Self.csvProblem(failure, file: settled.input)
      }
    }
    guard let report else {
      let quoted = Subsidy.quotable(SourceFile(path: compare.input, text: format == .csv ? "" : cohort), program: program)
      if diagnostics.contains(where: { $0.code == "no-as-of" }) {
        throw Problem(.unprocessableContent, "no-as-of", "no date to judge on",
                      detail: "the cohort has no `as_of`; give it in the facts or as `?as_of=YYYY-MM-DD`")
      }
      throw Problem(.unprocessableContent, "cohort-invalid", "the cohort does not load",
                    detail: EvalRoute.firstLine(diagnostics, source: quoted), diagnostics: diagnostics)
    }
    // The CLI's bytes: its pretty JSON, ID numbers masked (as without `--show-pii`).
    return Respond.text(CompareJSON.document(report.maskingPII(), language: language).serialized() + "\n",
                        contentType: "application/json; charset=utf-8")
  }

  /// JSON unless declared YAML or CSV; anything else is refused (415).
  static func format(_ request: Request) throws -> Format {
    switch RequestInput.mediaType(request) {
    case nil, "", "application/json": return .json
    case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml": return .yaml
    case "text/csv", "application/csv": return .csv
    case let media?: throw RequestInput.unsupported(media, "`application/json`, `application/yaml` or `text/csv`")
    }
  }

  /// `a,b,…`: two to `maximumPolicies` distinct ids of letters, digits, `_` and `-`.
  static func ids(_ list: String) throws -> [String] {
    let ids = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    return try validated(ids)
  }

  static func validated(_ ids: [String]) throws -> [String] {
    guard ids.count >= 2, ids.count <= maximumPolicies else {
      throw Problem.badRequest("too-few-policies", "name 2 to \(maximumPolicies) policies to compare; \(ids.count) were named")
    }
    for id in ids where !RequestInput.isID(id) {
      throw Problem.badRequest("bad-id", "`\(id.prefix(80))` is not a policy id (letters, digits, `_` and `-`, at most 64)")
    }
    guard Set(ids).count == ids.count else { throw Problem.badRequest("policies-repeated", "each policy may be named once") }
    return ids
  }

  struct Wrapper {
    var policies: [String]?
    var cohort: String
    var format: Format
    var asOf: CivilDate?
  }

  /// The page's form of the request: an object with a `cohort` string. Nil for a facts document.
  static func wrapper(_ text: String) throws -> Wrapper? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], object["cohort"] != nil else { return nil }
    guard let cohort = object["cohort"] as? String else {
      throw Problem.badRequest("bad-cohort", "`cohort` must be the cohort file's text (a string)")
    }
    if let unknown = object.keys.first(where: { !["policies", "cohort", "format", "as_of"].contains($0) }) {
      throw Problem.badRequest("unknown-key", "unknown key `\(unknown.prefix(40))`; the keys are `policies`, `cohort`, `format` and `as_of`")
    }
    var wrapper = Wrapper(cohort: cohort, format: .yaml)
    if let policies = object["policies"] {
      guard let list = policies as? [String] else { throw Problem.badRequest("bad-policies", "`policies` must be a list of policy ids") }
      wrapper.policies = try validated(list)
    }
    if let format = object["format"] {
      guard let name = format as? String, let known = Format(rawValue: name) else {
        throw Problem.badRequest("bad-format", "`format` must be `yaml`, `json` or `csv`")
      }
      wrapper.format = known
    }
    if let date = object["as_of"] {
      guard let text = date as? String, let parsed = CivilDate.parse(text) else {
        throw Problem.badRequest("bad-date", "`as_of` must be a date, YYYY-MM-DD")
      }
      wrapper.asOf = parsed
    }
    return wrapper
  }

  /// A CSV the reader cannot cut into records: its line and column, as `subsidy compare` says them.
  static func csvProblem(_ failure: CSVReader.Failure, file: String) -> Problem {
    let diagnostic = Diagnostic.error("csv-invalid", failure.message, zh: failure.messageZh,
                                      at: SourceSpan(file: file, line: max(1, failure.line), column: failure.column ?? 1))
    return Problem(.unprocessableContent, "csv-invalid", "the CSV cannot be read", detail: "\(file): \(failure)", diagnostics: [diagnostic])
  }
}
