import PolicySupport

/// One row per beneficiary, then one per payee: what each policy pays them, with what status, and
/// the change against the first policy. For spreadsheets and for cohorts too large to read as text.
public enum CompareCSV {
  public static func render(_ report: CompareReport, language: TextReport.Language) -> String {
    let words = CompareWords(language: language)
    var header = ["role", "id", "kind", "name"]
    for p in report.policies { header += ["\(p.id)_payable", "\(p.id)_awaiting", "\(p.id)_status"] }
    for pair in report.pairs { header.append("change_\(report.policies[pair.to].id)") }
    var buffer: [UInt8] = []
    CSVField.appendRecord(header, to: &buffer)
    for (role, rows) in [("beneficiary", report.beneficiaries), ("payee", report.payees)] {
      for row in rows {
        var cells = [role, row.id, row.kind, row.name ?? ""]
        for f in row.figures { cells += [f.payable.fenString, f.awaiting.fenString, f.shownStatus.rawValue] }
        for pair in report.pairs {
          let delta = row.figures[pair.to].payable.subtracting(row.figures[pair.from].payable)
          cells.append(delta.map(words.signed) ?? "")
        }
        CSVField.appendRecord(cells, to: &buffer)
      }
    }
    return String(decoding: buffer, as: UTF8.self)
  }
}
