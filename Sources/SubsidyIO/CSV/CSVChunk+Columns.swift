extension CSVChunk {
  /// For a decoder that reads a few columns of a run of records, a column after the other: where
  /// those cells lie in `bytes`, written to `out[k * stride + i]` for column `columns[k]` of record
  /// `rows.lowerBound + i`, each `start | end << 32`; or `UInt64.max` for a cell whose bytes are not
  /// there as they are: a quoted cell holding `""` (its text is unescaped: `withField`) or a cell the
  /// record does not have (a short row). (`FieldDecoder.decodeColumn` reads them in this form.)
  ///
  /// Record by record, so each record's field ranges are read from one place. Returns where the
  /// records' bytes begin and end in `bytes`.
  @discardableResult
  public func packedRanges(rows: Range<Int>, columns: [Int], into out: UnsafeMutablePointer<UInt64>, stride: Int) -> Range<Int> {
    precondition(rows.count <= stride && rows.upperBound <= count)
    return fields.withUnsafeBufferPointer { fields in
      recordFields.withUnsafeBufferPointer { recordFields in
        columns.withUnsafeBufferPointer { columns in
          for row in rows {
            let first = Int(recordFields[row]), end = Int(recordFields[row + 1])
            let i = row - rows.lowerBound
            for k in columns.indices {
              let index = first + columns[k]
              var packed = UInt64.max
              if columns[k] >= 0, index < end {
                let field = fields[index]
                if !field.escaped { packed = UInt64(UInt32(truncatingIfNeeded: field.start)) | UInt64(UInt32(truncatingIfNeeded: field.end)) << 32 }
              }
              out[k * stride + i] = packed
            }
          }
          guard !rows.isEmpty else { return 0..<0 }
          let first = Int(recordFields[rows.lowerBound]), last = Int(recordFields[rows.upperBound]) - 1
          guard last >= first else { return 0..<0 }
          return fields[first].start..<fields[last].end
        }
      }
    }
  }
}
