import ArgumentParser

struct LedgerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ledger", abstract: "(being built)")
  func run() throws {}
}
