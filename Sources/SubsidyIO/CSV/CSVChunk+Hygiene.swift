import PolicySupport

/// A cell whose bytes cannot be taken as text: the record is rejected with its column.
package struct CellProblem: Sendable {
  /// The field's index in its record.
  package var column: Int
  /// The cell as far as it can be shown (bad bytes as U+FFFD, control characters escaped).
  package var value: String
  package var reason: LocalizedText
}

extension CSVChunk {
  /// Checks every cell's bytes: valid UTF-8 (decoding would turn a bad byte into U+FFFD silently, so
  /// two different ids could become one worker) and no control character other than TAB, CR and LF
  /// (a NUL cut the ledger key short). Ids and names are checked for TAB, CR and LF too, by the
  /// decoder, which knows the columns' types.
  ///
  /// Clean chunks — nearly all — cost one validation pass over their bytes. Returns the first bad
  /// byte when the chunk reads as GBK: then the whole file is in the wrong encoding and is refused.
  mutating func findCellProblems(firstLine: Int) -> UTF8Check.Problem? {
    let (isUTF8, hasControl) = bytes.withUnsafeBufferPointer(Self.scan)
    if isUTF8 && !hasControl { return nil }
    if !isUTF8, UTF8Check.looksLikeGBK(bytes), var problem = UTF8Check.firstProblem(in: bytes) {
      problem.line += firstLine - 1
      return problem
    }
    for record in 0..<count {
      for column in 0..<fieldCount(record) {
        let cell = rawField(record, column)
        if let bad = UTF8Check.firstProblem(in: cell) {
          let text = String(decoding: cell, as: UTF8.self)
          cellProblems[record] = CellProblem(
            column: column, value: ControlCharacters.escapedForTerminal(text),
            reason: LocalizedText("is not UTF-8: byte 0x\(String(bad.byte, radix: 16, uppercase: true)) at character \(bad.column) "
                                    + "is not valid (\(UTF8Check.saveAsUTF8Hint(gbk: false)))",
                                  zh: "不是 UTF-8：第 \(bad.column) 个字符处的字节 0x\(String(bad.byte, radix: 16, uppercase: true)) 无效；"
                                    + UTF8Check.saveAsUTF8HintZh(gbk: false)))
          break
        }
        if let control = cell.firstIndex(where: Self.isForbiddenByte) {
          let text = String(decoding: cell, as: UTF8.self)
          let character = String(decoding: cell[cell.startIndex..<control], as: UTF8.self).unicodeScalars.count + 1
          cellProblems[record] = CellProblem(
            column: column, value: ControlCharacters.escapedForTerminal(text),
            reason: LocalizedText("holds the control character \(ControlCharacters.name(Unicode.Scalar(cell[control]))) at character \(character); "
                                    + "a cell may not contain control characters",
                                  zh: "第 \(character) 个字符是控制字符：\(ControlCharacters.nameZh(Unicode.Scalar(cell[control])))；单元格里不能有控制字符"))
          break
        }
      }
    }
    return nil
  }

  /// Whether `b` is UTF-8, and whether it holds a control byte no cell may hold (`isForbiddenByte`), in
  /// one pass. Sixteen bytes are looked at at once: printable ASCII (0x20–0x7E), nearly every byte
  /// of an export, costs a few operations a word; from a word that holds anything else, the scan goes
  /// straight to that byte and reads it (and a multi-byte character) on its own. (`String(validating:)`,
  /// then a loop over the bytes, copied each chunk into a new string and read it twice.)
  static func scan(_ b: UnsafeBufferPointer<UInt8>) -> (utf8: Bool, control: Bool) {
    let n = b.count
    guard let base = b.baseAddress else { return (true, false) }
    let raw = UnsafeRawPointer(base)
    var utf8 = true, control = false
    var i = 0
    while i < n {
      if i + 16 <= n {
        let low = notPrintable(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        let high = notPrintable(raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
        if low | high == 0 {
          i += 16
          continue
        }
        i += low != 0 ? low.trailingZeroBitCount >> 3 : 8 + high.trailingZeroBitCount >> 3
      } else if i + 8 <= n {
        let flags = notPrintable(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        if flags == 0 {
          i += 8
          continue
        }
        i += flags.trailingZeroBitCount >> 3
      }
      let byte = b[i]
      if byte < 0x80 {
        if Self.isForbiddenByte(byte) { control = true }
        i += 1
        continue
      }
      let length = UTF8Check.sequenceLength(b, at: i)
      if length == 0 {
        utf8 = false
        i += 1
      } else {
        i += length
      }
      if !utf8, control { break }
    }
    return (utf8, control)
  }

  /// The high bit of each byte of `w` (little-endian) that is not printable ASCII (0x20–0x7E): set by
  /// the byte itself (0x80 and above), by adding 1 (0x7F) or by taking 0x20 away (below 0x20). A carry
  /// or borrow can mark a byte above a marked one too, never one below: the lowest mark is exact.
  @inline(__always)
  static func notPrintable(_ w: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    return (w | (w &+ ones) | (w &- ones &* 0x20)) & (ones &* 0x80)
  }

  /// A control byte no cell may hold: C0 other than TAB, LF and CR (which quoted cells may hold), and DEL.
  static func isForbiddenByte(_ byte: UInt8) -> Bool {
    if byte == 0x7F { return true }
    guard byte < 0x20 else { return false }
    return byte != 0x09 && byte != 0x0A && byte != 0x0D
  }

  /// A byte that may start a control character in UTF-8 text: C0, DEL, C1 (0xC2 0x80…) or a
  /// bidirectional control (0xE2 0x80/0x81 …). Only cells holding one are decoded and looked at.
  /// Inlinable: the row decoder tests every byte of ids and names with it, from SubsidyKit.
  @inlinable package static func mayStartControl(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2
  }
}
