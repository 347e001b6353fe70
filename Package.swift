// swift-tools-version:6.1
import PackageDescription

/// Release builds optimise across the engine's modules (a field read, a `Fixed` or a `CivilDate`
/// inlined into the loops that use them), as if they were one module.
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
  name: "subsidy",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "subsidy", targets: ["subsidy"]),
    .library(name: "SubsidyKit", targets: ["SubsidyKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
    .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    // Already built for Hummingbird; named so the server can run its tasks on NIO's threads.
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
  ],
  targets: [
    // Source files, spans, diagnostics and their rendering. No dependencies.
    .target(name: "PolicySupport", swiftSettings: crossModule),
    // Exact values of the domain: money in fen, civil dates, division codes, ID numbers.
    .target(name: "PolicyValues", swiftSettings: crossModule),
    // The policy language: YAML → syntax tree (with spans), expression parser, fact schema.
    .target(name: "PolicyDSL", dependencies: ["PolicySupport", "PolicyValues", "Yams"], swiftSettings: crossModule),
    // Resolve, type-check and analyse a policy set against the fact schema.
    .target(name: "PolicyCheck", dependencies: ["PolicySupport", "PolicyValues", "PolicyDSL"], swiftSettings: crossModule),
    // Compile a checked policy set to closures; load facts; evaluate.
    .target(name: "PolicyEval", dependencies: ["PolicySupport", "PolicyValues", "PolicyDSL", "PolicyCheck", "Yams"], swiftSettings: crossModule),
    // The payout ledger: SQLite through GRDB, idempotent payments, audit trail.
    // PolicySupport for the product's one CSV cell writer and control-character escaping; PolicyValues for the one PII masker.
    .target(name: "Ledger", dependencies: ["PolicySupport", "PolicyValues", .product(name: "GRDB", package: "GRDB.swift")]),
    // The shared ledger on PostgreSQL, and opening either store by its `--ledger` value: a target of its
    // own, so the library and the fuzzers do not build PostgreSQL's client (swift-nio, BoringSSL).
    .target(name: "LedgerPostgres", dependencies: ["Ledger", "PolicySupport", .product(name: "PostgresNIO", package: "postgres-nio")]),
    // The renderers of results and reports, for people and machines: the officer's text report, the contract's
    // JSON, the words beside a result, explanations and "what would make it payable", `diff`, `explain`,
    // compare's report (its model, text, JSON, CSV, HTML and chart) and the test report's JSON, with their zh/en
    // wording. Depends on the model pieces it renders, never on the facade that runs them.
    .target(name: "SubsidyReports", dependencies: ["PolicySupport", "PolicyValues", "PolicyDSL", "PolicyCheck", "PolicyEval"],
            swiftSettings: crossModule),
    // The product's file formats and file handling, which evaluate nothing: the streaming CSV reader (slabs, chunks,
    // cell hygiene), the CSV writer, the JSON Lines reader, text files read as UTF-8 (GBK and CR-only line ends
    // named), files written whole (`OutputFile`) and which path is which file (`FileIdentity`, `FileRoles`).
    // Beside SubsidyReports, not below it: the renderers return text and open no file. PolicySupport only.
    .target(name: "SubsidyIO", dependencies: ["PolicySupport"], swiftSettings: crossModule),
    // The facade the CLI and the server call: loading, running, test runner, batch, compare runner, ledger glue.
    // It re-exports SubsidyReports and SubsidyIO (`Exports.swift`), so its callers get the renderers and the
    // readers and writers with it.
    // GRDBSQLite (SQLite's C API, already built for the ledger): the batch's spill store past `--memory`.
    .target(name: "SubsidyKit", dependencies: ["PolicySupport", "PolicyValues", "PolicyDSL", "PolicyCheck", "PolicyEval", "Ledger", "SubsidyReports", "SubsidyIO",
                                               .product(name: "GRDBSQLite", package: "GRDB.swift")], swiftSettings: crossModule),
    // The synthetic population generator (`subsidy generate`): trials and benchmarks, not the product.
    .target(name: "SubsidySynthetic", dependencies: ["PolicySupport", "PolicyValues"]),
    // In-process measurements (`subsidy bench`), kept out of the product library.
    .target(name: "SubsidyBench", dependencies: ["SubsidyKit", "SubsidySynthetic", "PolicySupport", "PolicyValues", "PolicyEval"]),
    // `subsidy serve`: the HTTP API and the page, on Hummingbird; depends only on SubsidyKit.
    .target(
      name: "SubsidyServer",
      dependencies: ["SubsidyKit", "LedgerPostgres", .product(name: "Hummingbird", package: "hummingbird"),
                     .product(name: "NIOPosix", package: "swift-nio")],
      resources: [.copy("Resources/web"), .copy("Resources/openapi.yaml")]),
    .executableTarget(name: "subsidy", dependencies: [
      "SubsidyKit", "SubsidySynthetic", "SubsidyBench",
      "SubsidyServer", "LedgerPostgres",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
    .testTarget(name: "PolicyValuesTests", dependencies: ["PolicyValues"]),
    .testTarget(
      name: "SubsidyTests",
      dependencies: ["SubsidyKit", "SubsidyReports", "SubsidyIO", "SubsidySynthetic", "PolicySupport", "PolicyValues", "PolicyDSL", "PolicyCheck", "PolicyEval", "Ledger", "LedgerPostgres",
                     .product(name: "GRDB", package: "GRDB.swift")],
      exclude: ["Snapshots", "Fixtures"]),
    .testTarget(
      name: "SubsidyServerTests",
      dependencies: ["SubsidyServer", "SubsidyKit", "Ledger", "LedgerPostgres",
                     // The parity test reads the officers' test cases (their facts are YAML nodes).
                     "PolicyDSL", "PolicySupport",
                     // The spool tests run a batch in process (its date).
                     "PolicyValues",
                     .product(name: "Hummingbird", package: "hummingbird"),
                     .product(name: "HummingbirdTesting", package: "hummingbird")]),
    .testTarget(name: "LedgerTests", dependencies: ["Ledger", "LedgerPostgres", "PolicyValues", .product(name: "GRDB", package: "GRDB.swift")]),
  ]
)
