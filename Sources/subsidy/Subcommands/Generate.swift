import ArgumentParser

struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "generate", abstract: "(being built)")
  func run() throws {}
}
