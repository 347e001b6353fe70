import PolicySupport

/// A row that was not evaluated, and why: it goes to the rejects file with its line and column.
/// Here, below the facade, because the reports show rejects too (`compare`'s first rejected rows).
///
/// The reason is written in both languages where it is made, as a diagnostic is: a clerk reads the
/// rejects file in Chinese (the default) or English (`--lang en`), while the line, the column's
/// contract name and the value stay as they are for the machines that read the file.
public struct Reject: Error, Sendable {
  public var line: Int
  public var column: String
  public var value: String
  public var reason: LocalizedText

  package init(line: Int, column: String, value: String, reason: LocalizedText) {
    self.line = line
    self.column = column
    self.value = value
    self.reason = reason
  }
}
