import FuzzSupport
import PolicyDSL
import PolicySupport

/// The expression parser (`when:` conditions, amounts, `if` branches): any text, as a policy's YAML
/// scalar would hand it over, is parsed; a failure must be a diagnostic, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let text = String(decoding: Repository.bytes(data, size), as: UTF8.self)
  var d = DiagnosticBag()
  let source = SourceFile(path: "fuzz.yaml", text: text)
  let parsed = ExprParser.parse(text, spanOf: { SourceSpan(file: "fuzz.yaml", line: 1, column: 1 + $0, length: $1) }, into: &d)
  if let parsed {
    // What later stages rely on: a bounded depth (they recurse) and offsets inside the text.
    precondition(parsed.depth <= ExprNesting.maximum, "depth \(parsed.depth) over the documented maximum")
    let scalars = text.unicodeScalars.count
    var stack = [parsed]
    while let e = stack.popLast() {
      precondition(e.offset >= 0 && e.offset <= scalars, "expression offset \(e.offset) outside the text")
      stack += e.kind.children
    }
  } else {
    precondition(d.hasErrors, "no expression and no error for \(text.debugDescription)")
  }
  _ = DiagnosticRenderer(format: .human, sources: [source]).render(d.sorted)
  return 0
}

Repository.fuzz(fuzzExpression)
