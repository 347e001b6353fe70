/// A small JSON value with ordered keys, so output reads in the contract's order and diffs stay stable.
public indirect enum JSON: Sendable, Equatable {
  case string(String)
  /// A number written as given (amounts are strings in the contract; this is for counts).
  case number(String)
  case bool(Bool)
  case null
  case array([JSON])
  case object([(String, JSON)])
  /// JSON text serialised elsewhere (the diagnostics renderer's), written as it is.
  case raw(String)

  public static func == (a: JSON, b: JSON) -> Bool { a.serialized() == b.serialized() }

  public static func optional(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }

  /// Pretty-printed with two-space indentation, non-ASCII left as is (Chinese stays readable).
  public func serialized(indent: Int = 0, pretty: Bool = true) -> String {
    var out = ""
    write(to: &out, indent: indent, pretty: pretty)
    return out
  }

  private func write(to out: inout String, indent: Int, pretty: Bool) {
    let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
    let close = pretty ? String(repeating: "  ", count: indent) : ""
    let newline = pretty ? "\n" : ""
    switch self {
    case .string(let s): out += JSON.quote(s)
    case .number(let n): out += n
    case .bool(let b): out += b ? "true" : "false"
    case .null: out += "null"
    case .raw(let text): out += text
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      out += "[" + newline
      for (i, item) in items.enumerated() {
        out += pad
        item.write(to: &out, indent: indent + 1, pretty: pretty)
        out += (i < items.count - 1 ? "," : "") + newline
      }
      out += close + "]"
    case .object(let pairs):
      if pairs.isEmpty { out += "{}"; return }
      out += "{" + newline
      for (i, (key, value)) in pairs.enumerated() {
        out += pad + JSON.quote(key) + (pretty ? ": " : ":")
        value.write(to: &out, indent: indent + 1, pretty: pretty)
        out += (i < pairs.count - 1 ? "," : "") + newline
      }
      out += close + "}"
    }
  }

  static func quote(_ s: String) -> String {
    // Most strings need no escape: copied whole, not scalar by scalar (a server answers thousands a second).
    if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) { return "\"" + s + "\"" }
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
