// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for the product's input readers. A package of its own so that the root
// package's `swift build` and `swift test` never see them: they only build with
// `-sanitize=fuzzer` (see README.md here, and `Fuzz/run.sh`).
let package = Package(
  name: "subsidy-fuzz",
  platforms: [.macOS(.v13)],
  dependencies: [.package(name: "subsidy", path: "..")],
  targets: [
    .target(name: "FuzzSupport"),
    .executableTarget(name: "FuzzPolicy", dependencies: ["FuzzSupport", .product(name: "SubsidyKit", package: "subsidy")]),
    .executableTarget(name: "FuzzExpression", dependencies: ["FuzzSupport", .product(name: "SubsidyKit", package: "subsidy")]),
    .executableTarget(name: "FuzzFacts", dependencies: ["FuzzSupport", .product(name: "SubsidyKit", package: "subsidy")]),
    .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", .product(name: "SubsidyKit", package: "subsidy")]),
  ]
)
