import ArgumentParser

/// One meaning per exit code, so scripts can tell a bad fact file from a broken policy.
extension ExitCode {
  /// Bad input: a facts file, an option, a missing file.
  static let inputError = ExitCode(1)
  /// The policies did not pass `check`.
  static let checkErrors = ExitCode(2)
  /// `subsidy test` cases failed.
  static let testFailures = ExitCode(3)
}
