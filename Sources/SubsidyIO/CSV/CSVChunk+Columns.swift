extension CSVChunk {
  /// Where field `column` of `record` lies in `bytes`, when its bytes are there as they are; nil for a
  /// quoted cell holding `""` (its text is unescaped: `withField`) and for a cell the record does not
  /// have (a short row). For a decoder that reads one column of every record before the next column.
  @inline(__always)
  public func range(_ record: Int, _ column: Int) -> (start: Int, end: Int)? {
    let index = Int(recordFields[record]) + column
    guard column >= 0, index < Int(recordFields[record + 1]) else { return nil }
    let field = fields[index]
    return field.escaped ? nil : (field.start, field.end)
  }
}
