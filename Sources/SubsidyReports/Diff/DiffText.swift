/// The diff as an analyst reads it: a heading naming both documents, then one line per change,
/// grouped under 基本信息 / 参数 / 规则.
public enum DiffText {
  public static func render(_ diff: PolicyDiff, language: TextReport.Language) -> String {
    func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }
    var out = t("政策差异：", "Policy differences: ") + "\(diff.from.id) → \(diff.to.id)\n"
    out += "  \(diff.from.id) = 《\(diff.from.title)》\n"
    out += "  \(diff.to.id) = 《\(diff.to.title)》\n"
    if diff.isEmpty { return out + "\n" + t("两者相同。\n", "No differences.\n") }
    let sections: [(PolicyDiff.Section, String)] = [
      (.metadata, t("基本信息", "Document")), (.parameter, t("参数", "Parameters")), (.rule, t("规则", "Rules")),
    ]
    for (section, heading) in sections {
      let lines = diff.entries.filter { $0.section == section }
      guard !lines.isEmpty else { continue }
      out += "\n\(heading)\n"
      for entry in lines { out += "  " + mark(entry.change) + " " + entry.line + "\n" }
    }
    out += "\n" + t("共 \(diff.entries.count) 处差异。\n", "\(diff.entries.count) differences.\n")
    return out
  }

  private static func mark(_ change: PolicyDiff.Change) -> String {
    switch change {
    case .added: "+"
    case .removed: "-"
    case .changed: "~"
    }
  }
}
