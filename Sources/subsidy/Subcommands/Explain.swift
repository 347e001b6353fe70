import ArgumentParser

struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Render a rule in plain language (coming next).")
  func run() throws {}
}
