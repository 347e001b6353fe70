import ArgumentParser
@main struct Subsidy: ParsableCommand { func run() {} }
