import ArgumentParser

/// One meaning per exit code, so scripts can tell a bad fact file from a broken policy.
extension ExitCode {
  /// Bad input: a facts file, an option, a missing file.
  static let inputError = ExitCode(1)
  /// The policies did not pass `check`.
  static let checkErrors = ExitCode(2)
  /// `subsidy test` cases failed.
  static let testFailures = ExitCode(3)
  /// The command was used wrongly: an unknown policy or rule id, options that do not go together
  /// (64 is EX_USAGE of sysexits.h, as the argument parser itself uses for a bad option).
  static let usage = ExitCode(64)
}
