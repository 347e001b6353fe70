extension CSVChunk {
  /// The records for which `keep(record)` holds, sharing this chunk's bytes.
  package func filtered(_ keep: (Int) -> Bool) -> CSVChunk {
    var out = CSVChunk()
    out.bytes = bytes
    for r in 0..<count where keep(r) {
      out.fields += fields[Int(recordFields[r])..<Int(recordFields[r + 1])]
      out.recordFields.append(Int32(truncatingIfNeeded: out.fields.count))
      if let problem = cellProblems[r] { out.cellProblems[out.count] = problem }
      out.lines.append(lines[r])
    }
    return out
  }
}
