// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for the product's input readers. A package of its own so that the root
// package's `swift build` and `swift test` never see them: they only build with
// `-sanitize=fuzzer` (see README.md here, and `Fuzz/run.sh`).
// gold (the toolchain's default linker on Linux) fails with an internal error on these
// sanitizer-instrumented executables; lld, which ships with the toolchain, links them.
let lld: [LinkerSetting] = [.unsafeFlags(["-use-ld=lld"])]

let package = Package(
  name: "subsidy-fuzz",
  platforms: [.macOS(.v13)],
  dependencies: [.package(name: "subsidy", path: "..")],
  targets: [
    .target(name: "CLibFuzzer"),
    .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
    .executableTarget(name: "FuzzPolicy", dependencies: ["FuzzSupport", .product(name: "SubsidyKit", package: "subsidy")], linkerSettings: lld),
    .executableTarget(name: "FuzzExpression", dependencies: ["FuzzSupport", .product(name: "SubsidyKit", package: "subsidy")], linkerSettings: lld),
    .executableTarget(name: "FuzzFacts", dependencies: ["FuzzSupport", .product(name: "SubsidyKit", package: "subsidy")], linkerSettings: lld),
    .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", .product(name: "SubsidyKit", package: "subsidy")], linkerSettings: lld),
  ]
)
