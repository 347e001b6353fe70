/// The facade hands its callers the reports of what it runs: `import SubsidyKit` gives the CLI, the
/// server, the benchmarks and the fuzzers the renderers too (`TextReport`, `ResultJSON`, `DiffText`…),
/// and every file of this target sees them (a payout row keeps its result as `ResultJSON`, the batch
/// summary is `JSON` for the server) without importing them one by one.
@_exported import SubsidyReports
