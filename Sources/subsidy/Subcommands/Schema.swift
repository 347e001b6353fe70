import ArgumentParser
import Foundation
import PolicySupport
import SubsidyKit

/// `subsidy schema`: the inputs documented from the fact schema (docs/facts.md) and the editors'
/// JSON Schemas (docs/schema/*.json). CI regenerates both and fails if the committed ones differ.
struct Schema: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write the facts and batch CSV reference (markdown) or JSON Schemas for policy, test and facts files (json-schema).",
    discussion: """
      Examples:
        subsidy schema --format markdown --out docs/facts.md
        subsidy schema --format json-schema --out docs/schema
        subsidy schema --format json-schema --only facts
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case markdown, jsonSchema = "json-schema" }
  enum Which: String, ExpressibleByArgument, CaseIterable { case policy, tests, facts }

  @Option(help: "markdown (docs/facts.md) or json-schema (policy, tests and facts schemas).")
  var format: Format = .markdown

  @Option(help: "A policy directory (its facts.schema.yaml and <region>.schema.yaml); repeat to add more (default: policies).")
  var policies: [String] = []

  @Option(help: "markdown: the file to write (default: stdout). json-schema: the directory for the three schema files.")
  var out: String?

  @Option(help: "json-schema to stdout: which one (policy, tests or facts).")
  var only: Which?

  @Option(help: "Language of the diagnostics: zh (default) or en.")
  var lang: TextReport.Language = .zh

  func run() throws {
    let loaded = PolicySetLoader.factSchema(policies.isEmpty ? ["policies"] : policies)
    guard let schema = loaded.schema else {
      Terminal.report(loaded.diagnostics.sorted, sources: loaded.sources, language: lang.diagnostics)
      throw ExitCode.checkErrors
    }
    switch format {
    case .markdown:
      try write(FactsMarkdown.render(schema), to: out)
    case .jsonSchema:
      let all = EditorSchemas.all(schema)
      if let only {
        guard let chosen = all.first(where: { $0.name == "\(only.rawValue).schema.json" }) else { throw ExitCode.inputError }
        try write(chosen.json.serialized() + "\n", to: out)
        return
      }
      guard let out else {
        Terminal.error("--format json-schema writes three files: give --out DIRECTORY, or --only policy|tests|facts for one on stdout",
                       zh: "`--format json-schema` 会写出三个文件：请用 `--out DIRECTORY` 指定文件夹，或用 `--only policy|tests|facts` 把其中一个输出到标准输出",
                       language: lang.diagnostics)
        throw ExitCode.usage
      }
      do {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
      } catch {
        let reason = SystemError.text(of: error)
        Terminal.error("cannot create the folder `\(out)`: \(reason.en)", zh: "无法创建文件夹 `\(out)`：\(reason.zh)", language: lang.diagnostics)
        throw ExitCode.inputError
      }
      for (name, json) in all { try write(json.serialized() + "\n", to: (out as NSString).appendingPathComponent(name)) }
    }
  }

  /// Through `OutputFile`, as every file the product writes: all or nothing.
  private func write(_ text: String, to path: String?) throws {
    guard let path else { return Terminal.out(text) }
    do {
      try OutputFile.write(text, to: path)
    } catch {
      Terminal.error(error, language: lang.diagnostics)
      throw ExitCode.inputError
    }
  }
}
