/// The facade hands its callers the reports of what it runs and the files it reads and writes:
/// `import SubsidyKit` gives the CLI, the server, the benchmarks and the fuzzers the renderers too
/// (`TextReport`, `ResultJSON`, `DiffText`…) and the readers and writers (`CSVReader`, `OutputFile`,
/// `SourceReader`…), and every file of this target sees them (a payout row keeps its result as
/// `ResultJSON`, the batch summary is `JSON` for the server, the batch reads through `CSVReader`)
/// without importing them one by one.
@_exported import SubsidyIO
@_exported import SubsidyReports
