/// Collects diagnostics from every stage instead of throwing at the first one.
///
/// Stages add to the bag and go on, so one `check` run shows all the problems of a file.
/// After `limit` errors further ones are counted but not kept, so a garbage file stays fast.
public struct DiagnosticBag: Sendable {
  public private(set) var diagnostics: [Diagnostic] = []
  public private(set) var droppedCount = 0
  public let limit: Int

  public init(limit: Int = 100) { self.limit = limit }

  /// Adds a diagnostic, unless the same one (code, severity, message and place) is already there:
  /// an overlay inherits its base's rules and tables, and a problem they share is reported once, at
  /// the file it is in.
  public mutating func add(_ diagnostic: Diagnostic) {
    if diagnostics.contains(where: { $0.code == diagnostic.code && $0.severity == diagnostic.severity && $0.span == diagnostic.span && $0.message == diagnostic.message }) {
      return
    }
    if diagnostics.count >= limit {
      droppedCount += 1
      return
    }
    diagnostics.append(diagnostic)
  }

  public mutating func add(contentsOf other: [Diagnostic]) {
    for diagnostic in other { add(diagnostic) }
  }

  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
  public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
  public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }

  /// Diagnostics by file, then position, then severity: the order a reader wants.
  public var sorted: [Diagnostic] {
    diagnostics.enumerated().sorted { a, b in
      let (x, y) = (a.element, b.element)
      let fx = x.span?.file ?? "", fy = y.span?.file ?? ""
      if fx != fy { return fx < fy }
      let px = x.span?.start ?? SourcePosition(line: 0, column: 0)
      let py = y.span?.start ?? SourcePosition(line: 0, column: 0)
      if px != py { return px < py }
      if x.severity != y.severity { return x.severity < y.severity }
      return a.offset < b.offset
    }.map(\.element)
  }
}
