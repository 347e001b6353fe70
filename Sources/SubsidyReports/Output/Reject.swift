/// A row that was not evaluated, and why: it goes to the rejects file with its line and column.
/// Here, below the facade, because the reports show rejects too (`compare`'s first rejected rows).
public struct Reject: Error, Sendable {
  public var line: Int
  public var column: String
  public var value: String
  public var reason: String

  package init(line: Int, column: String, value: String, reason: String) {
    self.line = line
    self.column = column
    self.value = value
    self.reason = reason
  }
}
