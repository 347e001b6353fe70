import ArgumentParser

struct Test: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Run the YAML test cases of the policies (coming next).")
  func run() throws {}
}

struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Render a rule in plain language (coming next).")
  func run() throws {}
}
