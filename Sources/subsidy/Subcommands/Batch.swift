import ArgumentParser

struct Batch: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "batch", abstract: "(being built)")
  func run() throws {}
}
