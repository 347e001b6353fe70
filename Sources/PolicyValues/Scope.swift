/// The distance tier between a worker's home division and a destination, as
/// returned by `DivisionCode.scope(to:)`.
///
/// Top-level (with `DivisionCode.Scope` as an alias) because policy tables are
/// keyed by it and the language's `scope(...)` function yields it. Raw values
/// are the enum names written in policy files, so `Scope(rawValue:)` parses a
/// table key and `allCases` lists the names the checker accepts.
public enum Scope: String, CaseIterable, Hashable, Sendable {
  case inCounty = "in_county"
  case inPrefecture = "in_prefecture"
  case inProvince = "in_province"
  case outOfProvince = "out_of_province"
}
