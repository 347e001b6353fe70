/// RFC 4180 output: a field is quoted only when it holds a comma, a double
/// quote, CR or LF, and a quote inside is doubled. Plain fields — nearly all of
/// them — are copied byte for byte, which keeps generation fast.
enum SyntheticCSVEncoder {
  static func appendRecord(_ fields: [String], crlf: Bool, to buffer: inout [UInt8]) {
    for (index, field) in fields.enumerated() {
      if index > 0 { buffer.append(UInt8(ascii: ",")) }
      appendField(field, to: &buffer)
    }
    if crlf { buffer.append(UInt8(ascii: "\r")) }
    buffer.append(UInt8(ascii: "\n"))
  }

  static func appendField(_ field: String, to buffer: inout [UInt8]) {
    // Fast path: native strings expose their UTF-8 bytes; scan and copy them in bulk.
    let copied: Bool? = field.utf8.withContiguousStorageIfAvailable { bytes in
      for byte in bytes where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte < 0x20 {
        if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
          return false
        }
      }
      buffer.append(contentsOf: bytes)
      return true
    }
    if copied == true { return }
    let needsQuotes = field.utf8.contains { byte in
      byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
    guard needsQuotes else {
      buffer.append(contentsOf: field.utf8)
      return
    }
    buffer.append(UInt8(ascii: "\""))
    for byte in field.utf8 {
      if byte == UInt8(ascii: "\"") { buffer.append(byte) }
      buffer.append(byte)
    }
    buffer.append(UInt8(ascii: "\""))
  }
}
