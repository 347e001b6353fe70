import Hummingbird
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit

/// `POST /v1/eval`: one case (JSON, or YAML with `Content-Type: application/yaml`) → the results of
/// `subsidy eval --format json`, each with its `words` in the asked language.
struct EvalRoute: Sendable {
  let store: PolicyStore
  let options: ServerOptions
  let metrics: ServerMetrics

  func handle(_ request: Request) async throws -> Response {
    let language = try RequestInput.language(request)
    let asOfOverride = try RequestInput.date(request, "as_of")
    let format = try Self.format(request)
    let text = try await RequestInput.text(request, limit: options.maxBody, seconds: options.requestSeconds)
    let snapshot = store.snapshot
    let program = snapshot.program
    // The name decides the parser's strictness, as a file's extension does for the CLI.
    let source = SourceFile(path: format == .yaml ? "request.yaml" : "request.json", text: text)
    var d = DiagnosticBag()
    guard let facts = snapshot.factsLoader.load(source, asOf: asOfOverride, into: &d) else {
      throw Problem(.unprocessableContent, "facts-invalid", "the facts do not load",
                    detail: Self.firstLine(d.sorted, source: Subsidy.quotable(source, program: program)), diagnostics: d.sorted)
    }
    guard let asOf = asOfOverride ?? facts.asOf else {
      throw Problem(.unprocessableContent, "no-as-of", "no date to judge on",
                    detail: "the facts have no `as_of`; give the date to judge on as `as_of` in the facts or `?as_of=YYYY-MM-DD`")
    }
    let results = program.evaluate(facts, asOf: asOf)
    metrics.evaluated(results)
    return Respond.json { out in
      ResultWords.write(asOf: asOf, results: results, program: program, facts: facts, redactor: snapshot.redactor,
                        language: language, memo: snapshot.conditionTexts, to: &out)
    }
  }

  enum Format { case json, yaml }

  /// JSON unless the body is declared YAML; any other declared type is refused (415).
  static func format(_ request: Request) throws -> Format {
    guard let type = request.headers[.contentType] else { return .json }
    // The two types clients send, as they send them, without splitting, trimming and lowering the text.
    if type == "application/json" { return .json }
    if type == "application/yaml" { return .yaml }
    let media = type.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
    switch media {
    case "application/json", "": return .json
    case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml": return .yaml
    default:
      throw Problem(.unsupportedMediaType, "unsupported-media-type", "unsupported media type",
                    detail: "the body is `\(media)`; send `application/json` or `application/yaml`")
    }
  }

  /// `request.json:3:7: error[unknown-field]: …`: the first diagnostic as the CLI's plain line, masked.
  static func firstLine(_ diagnostics: [Diagnostic], source: SourceFile) -> String {
    guard let first = diagnostics.first(where: { $0.severity == .error }) ?? diagnostics.first else { return "the facts do not load" }
    // English, as the rest of the problem document; its `diagnostics` carry `message_zh` for the page.
    let line = DiagnosticRenderer(format: .plain, language: .en, sources: [source]).renderOne(first).split(separator: "\n").first.map(String.init) ?? first.message
    return PIIMask.mask(line)
  }
}
