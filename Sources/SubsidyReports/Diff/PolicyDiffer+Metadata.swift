import PolicyDSL

extension PolicyDiffer {
  /// Title, issuing document, jurisdiction and effective period: what tells the two documents apart.
  func metadata(_ a: PolicyFile, _ b: PolicyFile) -> [PolicyDiff.Entry] {
    let none = t("无", "none")
    let pairs: [(String, String, String, String)] = [
      ("title", t("标题", "Title"), a.title, b.title),
      ("document.issuer", t("发文机关", "Issuer"), a.document.issuer, b.document.issuer),
      ("document.number", t("文号", "Document number"), a.document.number ?? none, b.document.number ?? none),
      ("document.date", t("发文日期", "Document date"), a.document.date?.description ?? none, b.document.date?.description ?? none),
      ("document.source", t("来源", "Source"), a.document.source ?? none, b.document.source ?? none),
      ("jurisdiction", t("适用地区", "Jurisdiction"), a.jurisdiction.value, b.jurisdiction.value),
      ("effective", t("施行期间", "Effective"), period(a), period(b)),
    ]
    return pairs.compactMap { field, label, before, after in
      before == after ? nil : changed(.metadata, "", nil, field: field, label: "", before, after, prefix: label + t("：", ": "))
    }
  }

  private func period(_ p: PolicyFile) -> String {
    let from = p.effectiveFrom.map { t("自 \($0.value) 起", "from \($0.value)") } ?? t("未定起始日", "no start date")
    let until = p.effectiveUntil.map { t("至 \($0.value)", " until \($0.value)") } ?? t("，未定终止日", ", no end date")
    return from + until
  }
}
